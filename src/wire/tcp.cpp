#include "wire/tcp.h"

#include "wire/byte_cursor.h"

namespace tc::wire {

bool decode_tcp(std::span<const uint8_t> bytes, TcpSegment& segment) {
  // struct { u16 source_port; u16 destination_port; u32 sequence; u32 acknowledgment;
  //          u4 data_offset; u4 reserved; u8 flags; u16 window; u16 checksum; u16 urgent; options; }
  if (bytes.size() < 20) return false;
  const size_t header = static_cast<size_t>(bytes[12] >> 4) * 4;
  if (header < 20 || header > bytes.size()) return false;
  segment.source_port = load_be16(bytes.data());
  segment.destination_port = load_be16(bytes.data() + 2);
  segment.sequence = load_be32(bytes.data() + 4);
  segment.flags = bytes[13];
  segment.payload = bytes.subspan(header);
  return true;
}

}  // namespace tc::wire
