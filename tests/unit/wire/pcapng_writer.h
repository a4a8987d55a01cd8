#pragma once
// A pcapng file written block by block, for tests that need what
// pcapng_file() does not make: several sections in either byte order,
// interfaces declared between packets with their own timestamp resolution
// and offset, simple and obsolete packet blocks, unknown blocks.
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "wire_builders.h"

namespace tc::wire::testing {

class PcapngWriter {
 public:
  Buffer bytes;

  // A section header block; the section's blocks follow in its byte order.
  void section(bool little_endian) {
    little_endian_ = little_endian;
    interfaces_.clear();
    Buffer body;
    u32(body, 0x1A2B3C4D);
    u16(body, 1);
    u16(body, 0);
    u32(body, 0xffffffff);  // section length unknown
    u32(body, 0xffffffff);
    block(0x0A0D0D0A, body);
  }

  // An interface description block; returns the interface's id in this section.
  // `tsresol` is the if_tsresol byte (6, 9, 0x94 = 2^-20 …), `tsoffset` if_tsoffset in seconds.
  uint32_t interface(uint32_t link_type, std::optional<uint8_t> tsresol = std::nullopt,
                     std::optional<int64_t> tsoffset = std::nullopt) {
    Buffer body;
    u16(body, link_type);
    u16(body, 0);
    u32(body, 262144);
    Interface interface;
    if (tsresol) {
      u16(body, 9);
      u16(body, 1);
      body.insert(body.end(), {*tsresol, 0, 0, 0});
      const int exponent = *tsresol & 0x7f;
      interface.seconds_per_unit = (*tsresol & 0x80) ? std::ldexp(1.0, -exponent) : std::pow(10.0, -exponent);
    }
    if (tsoffset) {
      u16(body, 14);
      u16(body, 8);
      const auto value = static_cast<uint64_t>(*tsoffset);
      if (little_endian_) {
        u32(body, static_cast<uint32_t>(value));
        u32(body, static_cast<uint32_t>(value >> 32));
      } else {
        u32(body, static_cast<uint32_t>(value >> 32));
        u32(body, static_cast<uint32_t>(value));
      }
      interface.offset_seconds = static_cast<double>(*tsoffset);
    }
    u16(body, 0);  // opt_endofopt
    u16(body, 0);
    block(1, body);
    interfaces_.push_back(interface);
    return static_cast<uint32_t>(interfaces_.size() - 1);
  }

  // An enhanced packet block captured at `seconds` on `interface`.
  void enhanced(uint32_t interface, double seconds, const Buffer& frame) {
    Buffer body;
    u32(body, interface);
    put_units(body, units(interface, seconds));
    u32(body, static_cast<uint32_t>(frame.size()));
    u32(body, static_cast<uint32_t>(frame.size()));
    append(body, frame);
    pad(body);
    block(6, body);
  }

  // A simple packet block: interface 0, no timestamp.
  void simple(const Buffer& frame) {
    Buffer body;
    u32(body, static_cast<uint32_t>(frame.size()));
    append(body, frame);
    pad(body);
    block(3, body);
  }

  // The obsolete packet block (u16 interface id, u16 drops).
  void obsolete(uint16_t interface, double seconds, const Buffer& frame) {
    Buffer body;
    u16(body, interface);
    u16(body, 0);
    put_units(body, units(interface, seconds));
    u32(body, static_cast<uint32_t>(frame.size()));
    u32(body, static_cast<uint32_t>(frame.size()));
    append(body, frame);
    pad(body);
    block(2, body);
  }

  // A block of a type the reader does not know (a custom or future block): skipped.
  void unknown(uint32_t type, size_t body_size) { block(type, Buffer(body_size / 4 * 4, 0x5a)); }

  void block(uint32_t type, const Buffer& body) {
    const auto length = static_cast<uint32_t>(12 + body.size());
    u32(bytes, type);
    u32(bytes, length);
    append(bytes, body);
    u32(bytes, length);
  }

 private:
  struct Interface {
    double seconds_per_unit = 1e-6;
    double offset_seconds = 0;
  };

  void u16(Buffer& b, uint32_t v) const { little_endian_ ? put_u16_le(b, v) : put_u16(b, v); }
  void u32(Buffer& b, uint32_t v) const { little_endian_ ? put_u32_le(b, v) : put_u32(b, v); }
  static void pad(Buffer& b) {
    while (b.size() % 4 != 0) b.push_back(0);
  }
  uint64_t units(uint32_t interface, double seconds) const {
    const Interface& i = interfaces_.at(interface);
    return static_cast<uint64_t>(std::llround((seconds - i.offset_seconds) / i.seconds_per_unit));
  }
  void put_units(Buffer& b, uint64_t value) const {
    u32(b, static_cast<uint32_t>(value >> 32));  // timestamp high word first in either byte order
    u32(b, static_cast<uint32_t>(value));
  }

  bool little_endian_ = true;
  std::vector<Interface> interfaces_;
};

// Link-layer headers other than Ethernet, for interfaces of other link types.
inline Buffer linux_sll(const Buffer& ip) {
  Buffer frame;
  put_u16(frame, 0);  // packet type: to us
  put_u16(frame, 1);  // ARPHRD_ETHER
  put_u16(frame, 6);
  frame.insert(frame.end(), {0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0, 0});
  put_u16(frame, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);
  append(frame, ip);
  return frame;
}

inline constexpr uint32_t kLinkEthernet = 1;
inline constexpr uint32_t kLinkLinuxSll = 113;
inline constexpr uint32_t kLinkIpv4 = 228;

}  // namespace tc::wire::testing
