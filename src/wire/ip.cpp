#include "wire/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "wire/byte_cursor.h"

namespace tc::wire {
namespace {

constexpr uint8_t next_hop_by_hop = 0;
constexpr uint8_t next_routing = 43;
constexpr uint8_t next_fragment = 44;
constexpr uint8_t next_ah = 51;
constexpr uint8_t next_destination = 60;
constexpr int max_extension_headers = 16;

IpResult decode_ipv4(std::span<const uint8_t> bytes, IpPacket& packet) {
  // struct { u4 version; u4 ihl; u8 tos; u16 total_length; u16 id; u16 flags_fragment_offset;
  //          u8 ttl; u8 protocol; u16 checksum; u32 source; u32 destination; options[ihl*4-20]; }
  if (bytes.size() < 20) return IpResult::malformed;
  const size_t header = static_cast<size_t>(bytes[0] & 0x0fu) * 4;
  const size_t total = load_be16(bytes.data() + 2);
  if (header < 20 || bytes.size() < header) return IpResult::malformed;
  // total_length 0 happens with TCP segmentation offload; trust the capture then.
  const size_t end = total == 0 ? bytes.size() : std::min(total, bytes.size());
  if (end < header) return IpResult::malformed;
  const uint16_t fragment = load_be16(bytes.data() + 6);
  packet.source = {};
  packet.destination = {};
  std::memcpy(packet.source.bytes.data(), bytes.data() + 12, 4);
  std::memcpy(packet.destination.bytes.data(), bytes.data() + 16, 4);
  packet.source.v6 = packet.destination.v6 = false;
  packet.protocol = bytes[9];
  if ((fragment & 0x3fff) != 0) return IpResult::fragment;  // more-fragments flag or an offset
  packet.payload = bytes.subspan(header, end - header);
  return IpResult::ok;
}

IpResult decode_ipv6(std::span<const uint8_t> bytes, IpPacket& packet) {
  // struct { u4 version; u8 traffic_class; u20 flow_label; u16 payload_length; u8 next_header;
  //          u8 hop_limit; u8 source[16]; u8 destination[16]; }
  if (bytes.size() < 40) return IpResult::malformed;
  const size_t payload_length = load_be16(bytes.data() + 4);
  // Payload length 0 is a jumbogram (or TSO); trust the capture then.
  const size_t end = payload_length == 0 ? bytes.size() : std::min(bytes.size(), 40 + payload_length);
  std::memcpy(packet.source.bytes.data(), bytes.data() + 8, 16);
  std::memcpy(packet.destination.bytes.data(), bytes.data() + 24, 16);
  packet.source.v6 = packet.destination.v6 = true;
  uint8_t next = bytes[6];
  size_t at = 40;
  for (int i = 0; i < max_extension_headers; ++i) {
    if (next == next_hop_by_hop || next == next_routing || next == next_destination) {
      // struct { u8 next_header; u8 hdr_ext_len; …[(hdr_ext_len+1)*8-2] }
      if (end < at + 8) return IpResult::malformed;
      next = bytes[at];
      at += (size_t{bytes[at + 1]} + 1) * 8;
    } else if (next == next_ah) {
      // struct { u8 next_header; u8 payload_len; …[(payload_len+2)*4-2] }
      if (end < at + 8) return IpResult::malformed;
      next = bytes[at];
      at += (size_t{bytes[at + 1]} + 2) * 4;
    } else if (next == next_fragment) {
      // struct { u8 next_header; u8 reserved; u16 offset_flags; u32 identification; }
      if (end < at + 8) return IpResult::malformed;
      const uint16_t offset_flags = load_be16(bytes.data() + at + 2);
      next = bytes[at];
      packet.protocol = next;
      if ((offset_flags & 0xfff9) != 0) return IpResult::fragment;  // offset or more-fragments set
      at += 8;  // an atomic fragment: the whole packet is here
    } else {
      break;
    }
    if (at > end) return IpResult::malformed;
  }
  packet.protocol = next;
  packet.payload = bytes.subspan(at, end - at);
  return IpResult::ok;
}

}  // namespace

IpResult decode_ip(std::span<const uint8_t> bytes, IpPacket& packet) {
  if (bytes.empty()) return IpResult::malformed;
  switch (bytes[0] >> 4) {
    case 4: return decode_ipv4(bytes, packet);
    case 6: return decode_ipv6(bytes, packet);
    default: return IpResult::not_ip;
  }
}

std::string format_endpoint(const IpAddress& address, uint16_t port) {
  // Once per reported connection and side: IPv4 by hand (inet_ntop goes
  // through printf), appended in place (at most one allocation).
  std::string out;
  auto put_number = [&out](unsigned value) {
    char digits[8];
    const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, static_cast<size_t>(end - digits));
  };
  if (address.v6) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, address.bytes.data(), text, sizeof text);
    out.reserve(std::strlen(text) + 8);
    out += '[';
    out += text;
    out += ']';
  } else {
    for (size_t i = 0; i < 4; ++i) {
      if (i > 0) out += '.';
      put_number(address.bytes[i]);
    }
  }
  out += ':';
  put_number(port);
  return out;
}

}  // namespace tc::wire
