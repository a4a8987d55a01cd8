#pragma once
// TCP header (with options via the data offset) down to the payload.
#include <cstdint>
#include <span>

namespace tc::wire {

namespace tcp_flag {
inline constexpr uint8_t fin = 0x01;
inline constexpr uint8_t syn = 0x02;
inline constexpr uint8_t rst = 0x04;
inline constexpr uint8_t ack = 0x10;
}  // namespace tcp_flag

struct TcpSegment {
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint32_t sequence = 0;
  uint8_t flags = 0;
  std::span<const uint8_t> payload;
};

[[nodiscard]] bool decode_tcp(std::span<const uint8_t> bytes, TcpSegment& segment);

}  // namespace tc::wire
