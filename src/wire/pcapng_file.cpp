#include "wire/pcapng_file.h"

#include <cmath>

namespace tc::wire {
namespace {
constexpr uint32_t block_interface = 1;
constexpr uint32_t byte_order_magic = 0x1A2B3C4D;
constexpr uint16_t option_end = 0;
constexpr uint16_t option_if_tsresol = 9;
constexpr uint16_t option_if_tsoffset = 14;
}  // namespace

void PcapngReader::problem(const std::string& message, bool fatal) {
  add_diagnostic(diagnostics_, source_, 0, input_.offset(), message, fatal);
}

ReadResult PcapngReader::next(CapturedPacket& packet) {
  input_.consume(pending_size_);
  pending_size_ = 0;
  for (;;) {
    // struct { u32 block_type; u32 block_total_length; body; u32 block_total_length; }
    if (!input_.ensure(12)) {
      if (input_.available() > 0) {
        problem("truncated block at offset " + std::to_string(input_.offset()));
      }
      if (!input_.error().empty()) problem(input_.error());
      return ReadResult::end;
    }
    const uint8_t* block = input_.data();
    const bool section = load_be32(block) == kPcapngSectionHeader;
    if (section) {
      // The section header says which byte order the rest of the section uses.
      const uint32_t magic = load_be32(block + 8);
      if (magic == byte_order_magic) {
        state_.little_endian = false;
      } else if (load_le32(block + 8) == byte_order_magic) {
        state_.little_endian = true;
      } else {
        problem("bad pcapng byte-order magic at offset " + std::to_string(input_.offset()), !state_.in_section);
        return ReadResult::error;
      }
    } else if (!state_.in_section) {
      problem("not a pcap or pcapng file", true);
      return ReadResult::error;
    }
    const uint32_t type = u32(block);
    const uint32_t length = u32(block + 4);
    if (length < 12 || length % 4 != 0 || length > kPcapngMaxBlock) {
      problem("block of implausible length " + std::to_string(length) + " at offset " +
              std::to_string(input_.offset()) + "; the file is corrupt from here");
      return ReadResult::error;
    }
    if (!input_.ensure(length)) {
      problem("truncated block at offset " + std::to_string(input_.offset()));
      if (!input_.error().empty()) problem(input_.error());
      return ReadResult::end;
    }
    block = input_.data();
    if (section) {
      if (!read_section_header(block, length)) return ReadResult::error;
    } else if (type == block_interface) {
      read_interface(block, length);
    } else if ((type == kPcapngEnhancedPacket || type == kPcapngSimplePacket || type == kPcapngObsoletePacket) &&
               packet_from(type, block, length, packet)) {
      pending_size_ = length;
      return ReadResult::packet;
    }
    input_.consume(length);
  }
}

bool PcapngReader::read_section_header(const uint8_t* block, uint32_t length) {
  // u32 byte_order_magic; u16 major, minor; i64 section_length; options
  if (length < 28) {
    problem("section header block too short at offset " + std::to_string(input_.offset()), !state_.in_section);
    return false;
  }
  if (u16(block + 12) != 1) {
    problem("unsupported pcapng major version " + std::to_string(u16(block + 12)), !state_.in_section);
    return false;
  }
  state_.in_section = true;
  state_.interfaces.clear();  // interface ids are per section
  return true;
}

void PcapngReader::read_interface(const uint8_t* block, uint32_t length) {
  // u16 link_type; u16 reserved; u32 snaplen; options
  Interface interface;
  if (length < 20) {
    problem("interface block too short at offset " + std::to_string(input_.offset()));
    state_.interfaces.push_back(interface);
    return;
  }
  interface.link_type = u16(block + 8);
  size_t at = 16;
  const size_t end = length - 4;
  // struct { u16 code; u16 length; value padded to 32 bits; } option
  while (at + 4 <= end) {
    const uint16_t code = u16(block + at);
    const uint16_t size = u16(block + at + 2);
    at += 4;
    if (code == option_end || size > end - at) break;
    if (code == option_if_tsresol && size >= 1) {
      const uint8_t resolution = block[at];
      const int exponent = resolution & 0x7f;
      interface.seconds_per_unit = (resolution & 0x80) ? std::ldexp(1.0, -exponent) : std::pow(10.0, -exponent);
    } else if (code == option_if_tsoffset && size >= 8) {
      const uint64_t high = u32(block + at + (state_.little_endian ? 4 : 0));
      const uint64_t low = u32(block + at + (state_.little_endian ? 0 : 4));
      interface.offset_seconds = static_cast<double>(static_cast<int64_t>((high << 32) | low));
    }
    at += (size + 3u) & ~3u;
  }
  state_.interfaces.push_back(interface);
}

bool PcapngReader::packet_from(uint32_t type, const uint8_t* block, uint32_t length, CapturedPacket& packet) {
  uint32_t interface_id = 0, captured = 0;
  uint64_t units = 0;
  size_t data_at = 0;
  if (type == kPcapngSimplePacket) {
    // u32 original_packet_length; packet data
    if (length < 16) return false;
    captured = std::min(u32(block + 8), length - 16);
    data_at = 12;
  } else {
    // EPB: u32 interface_id; u32 ts_high, ts_low; u32 captured_len, original_len; data
    // obsolete PB: u16 interface_id; u16 drops_count; u32 ts_high, ts_low; u32 captured_len, original_len; data
    if (length < 32) {
      problem("packet block too short at offset " + std::to_string(input_.offset()));
      return false;
    }
    interface_id = type == kPcapngEnhancedPacket ? u32(block + 8) : u16(block + 8);
    units = (uint64_t{u32(block + 12)} << 32) | u32(block + 16);
    captured = u32(block + 20);
    data_at = 28;
    if (captured > length - 32) {
      problem("packet block at offset " + std::to_string(input_.offset()) + " claims more data than it holds");
      return false;
    }
  }
  if (interface_id >= state_.interfaces.size()) {
    problem("packet for undeclared interface " + std::to_string(interface_id) + " at offset " +
            std::to_string(input_.offset()));
    return false;
  }
  const Interface& interface = state_.interfaces[interface_id];
  packet.link_type = interface.link_type;
  packet.timestamp = static_cast<double>(units) * interface.seconds_per_unit + interface.offset_seconds;
  packet.data = {block + data_at, captured};
  packet.offset = input_.offset();
  return true;
}

}  // namespace tc::wire
