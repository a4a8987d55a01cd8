#include "wire/record_sync.h"

#include <cmath>

#include "wire/byte_cursor.h"
#include "wire/captured_packet.h"

namespace tc::wire {
namespace {

// Records checked after a candidate before it is believed (fewer when the file ends first).
constexpr int kRecordsInARow = 4;
// Consecutive packets further apart than this are taken as a false start.
constexpr double kMaxTimestampStep = 86400;

uint32_t load32(const uint8_t* p, bool little_endian) { return little_endian ? load_le32(p) : load_be32(p); }

// pcap record: struct { u32 ts_sec, ts_frac, incl_len, orig_len; } then incl_len bytes.
// The length of a plausible record at `at`, or 0.
uint64_t pcap_record_length(std::span<const uint8_t> file, uint64_t at, const PcapReader::Layout& layout,
                            double& timestamp) {
  if (file.size() < 16 || at > file.size() - 16) return 0;
  const uint8_t* header = file.data() + at;
  const uint32_t fraction = load32(header + 4, layout.little_endian);
  const uint32_t captured = load32(header + 8, layout.little_endian);
  const uint32_t original = load32(header + 12, layout.little_endian);
  const double units_per_second = std::round(1 / layout.fraction_scale);
  if (captured > kMaxPacketRecord || captured > original || fraction >= units_per_second) return 0;
  timestamp = load32(header, layout.little_endian) + fraction * layout.fraction_scale;
  return 16 + uint64_t{captured};
}

bool plausible_pcap_run(std::span<const uint8_t> file, uint64_t at, const PcapReader::Layout& layout) {
  double previous = 0;
  for (int i = 0; i < kRecordsInARow; ++i) {
    if (at == file.size()) return true;  // the file ends exactly after a record
    double timestamp = 0;
    const uint64_t length = pcap_record_length(file, at, layout, timestamp);
    if (length == 0) return false;
    if (i > 0 && std::fabs(timestamp - previous) > kMaxTimestampStep) return false;
    previous = timestamp;
    at += length;
    if (at > file.size()) return i > 0;  // a truncated last record, after at least one whole one
  }
  return true;
}

// pcapng block: struct { u32 type; u32 total_length; body; u32 total_length; }.
// The length of a block at `at` whose two length fields agree, or 0.
uint64_t pcapng_block_length(std::span<const uint8_t> file, uint64_t at, bool little_endian) {
  if (file.size() < 12 || at > file.size() - 12) return 0;
  const uint32_t length = load32(file.data() + at + 4, little_endian);
  if (length < 12 || length % 4 != 0 || length > kPcapngMaxBlock || length > file.size() - at) return 0;
  return load32(file.data() + at + length - 4, little_endian) == length ? length : 0;
}

// A packet block the reader would hand over, as PcapngReader::packet_from checks it.
bool pcapng_packet(std::span<const uint8_t> file, uint64_t at, uint64_t length, const PcapngReader::State& state) {
  const uint8_t* block = file.data() + at;
  const uint32_t type = load32(block, state.little_endian);
  if (type == kPcapngSimplePacket) return length >= 16 && !state.interfaces.empty();
  if (type != kPcapngEnhancedPacket && type != kPcapngObsoletePacket) return false;
  if (length < 32) return false;
  const uint32_t interface = type == kPcapngEnhancedPacket
                                 ? load32(block + 8, state.little_endian)
                                 : (state.little_endian ? load_le16(block + 8) : load_be16(block + 8));
  return interface < state.interfaces.size() && load32(block + 20, state.little_endian) <= length - 32;
}

bool plausible_pcapng_run(std::span<const uint8_t> file, uint64_t at, bool little_endian) {
  for (int i = 0; i < kRecordsInARow; ++i) {
    if (at == file.size()) return true;
    const uint64_t length = pcapng_block_length(file, at, little_endian);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

}  // namespace

std::optional<uint64_t> find_pcap_record(std::span<const uint8_t> file, uint64_t from, uint64_t to,
                                         const PcapReader::Layout& layout) {
  for (uint64_t at = from; at < to && at < file.size(); ++at) {
    if (plausible_pcap_run(file, at, layout)) return at;
  }
  return std::nullopt;
}

std::optional<uint64_t> find_pcapng_packet(std::span<const uint8_t> file, uint64_t from, uint64_t to,
                                           const PcapngReader::State& state) {
  if (!state.in_section) return std::nullopt;
  for (uint64_t at = (from + 3) / 4 * 4; at < to && at < file.size(); at += 4) {
    const uint64_t length = pcapng_block_length(file, at, state.little_endian);
    if (length != 0 && pcapng_packet(file, at, length, state) &&
        plausible_pcapng_run(file, at, state.little_endian)) {
      return at;
    }
  }
  return std::nullopt;
}

}  // namespace tc::wire
