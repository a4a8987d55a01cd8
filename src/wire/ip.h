#pragma once
// IPv4 (options via IHL) and IPv6 (hop-by-hop, routing, destination options,
// fragment and AH extension headers) down to the transport payload.
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace tc::wire {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first four
  bool v6 = false;
  auto operator<=>(const IpAddress&) const = default;
};

struct IpPacket {
  IpAddress source;
  IpAddress destination;
  uint8_t protocol = 0;             // 6 = TCP
  std::span<const uint8_t> payload;
};

enum class IpResult { ok, fragment, malformed, not_ip };

// Trailing link-layer padding (Ethernet minimum size) is cut using the IP length fields.
[[nodiscard]] IpResult decode_ip(std::span<const uint8_t> bytes, IpPacket& packet);

// "10.0.0.1:5061" or "[2001:db8::1]:5061".
std::string format_endpoint(const IpAddress& address, uint16_t port);

}  // namespace tc::wire
