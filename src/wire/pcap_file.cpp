#include "wire/pcap_file.h"

#include "wire/byte_cursor.h"

namespace tc::wire {
namespace {
constexpr uint32_t magic_micro = 0xa1b2c3d4;
constexpr uint32_t magic_nano = 0xa1b23c4d;
constexpr uint32_t swapped_micro = 0xd4c3b2a1;
constexpr uint32_t swapped_nano = 0x4d3cb2a1;
}  // namespace

bool is_pcap_magic(uint32_t magic) {
  return magic == magic_micro || magic == magic_nano || magic == swapped_micro || magic == swapped_nano;
}

bool PcapReader::open() {
  // struct { u32 magic; u16 version_major, version_minor; i32 thiszone; u32 sigfigs, snaplen, network; }
  if (!input_.ensure(24)) {
    add_diagnostic(diagnostics_, source_, 0, 0, "truncated pcap file header", true);
    return false;
  }
  const uint32_t magic = load_be32(input_.data());
  if (!is_pcap_magic(magic)) {
    add_diagnostic(diagnostics_, source_, 0, 0, "not a pcap or pcapng file", true);
    return false;
  }
  // The writer stored the magic in its own byte order: a1b2c3d4 read big-endian means big-endian.
  layout_.little_endian = magic == swapped_micro || magic == swapped_nano;
  layout_.fraction_scale = (magic == magic_nano || magic == swapped_nano) ? 1e-9 : 1e-6;
  layout_.link_type = u32(input_.data() + 20) & 0xffff;  // upper bits carry FCS information
  input_.consume(24);
  return true;
}

ReadResult PcapReader::next(CapturedPacket& packet) {
  if (consume_pending_) {
    input_.consume(pending_size_);
    consume_pending_ = false;
  }
  // struct { u32 ts_sec, ts_frac, incl_len, orig_len; } then incl_len bytes.
  if (!input_.ensure(16)) {
    if (input_.available() > 0) {
      add_diagnostic(diagnostics_, source_, 0, input_.offset(),
                     "truncated packet record at offset " + std::to_string(input_.offset()), false);
    }
    if (!input_.error().empty()) add_diagnostic(diagnostics_, source_, 0, input_.offset(), input_.error(), false);
    return ReadResult::end;
  }
  const uint8_t* header = input_.data();
  const uint32_t seconds = u32(header);
  const uint32_t fraction = u32(header + 4);
  const uint32_t captured = u32(header + 8);
  if (captured > kMaxPacketRecord) {
    add_diagnostic(diagnostics_, source_, 0, input_.offset(),
                   "packet record of " + std::to_string(captured) + " bytes at offset " +
                       std::to_string(input_.offset()) + " is implausible; the file is corrupt from here",
                   false);
    return ReadResult::error;
  }
  if (!input_.ensure(16 + size_t{captured})) {
    add_diagnostic(diagnostics_, source_, 0, input_.offset(),
                   "truncated packet record at offset " + std::to_string(input_.offset()), false);
    if (!input_.error().empty()) add_diagnostic(diagnostics_, source_, 0, input_.offset(), input_.error(), false);
    return ReadResult::end;
  }
  packet.link_type = layout_.link_type;
  packet.timestamp = seconds + fraction * layout_.fraction_scale;
  packet.data = {input_.data() + 16, captured};
  packet.offset = input_.offset();
  consume_pending_ = true;
  pending_size_ = 16 + size_t{captured};
  return ReadResult::packet;
}

}  // namespace tc::wire
