#pragma once
// Link layers seen in SBC captures: Ethernet (with 802.1Q/802.1ad/QinQ tags),
// Linux cooked SLL and SLL2, raw IP, BSD null/loopback. Each is stripped down
// to the IPv4/IPv6 packet it carries.
#include <cstdint>
#include <span>

namespace tc::wire {

namespace linktype {
inline constexpr uint32_t null = 0;
inline constexpr uint32_t ethernet = 1;
inline constexpr uint32_t raw_bsd_a = 12;
inline constexpr uint32_t raw_bsd_b = 14;
inline constexpr uint32_t raw = 101;
inline constexpr uint32_t loop = 108;
inline constexpr uint32_t linux_sll = 113;
inline constexpr uint32_t ipv4 = 228;
inline constexpr uint32_t ipv6 = 229;
inline constexpr uint32_t linux_sll2 = 276;
}  // namespace linktype

enum class LinkResult { ip, not_ip, malformed, unsupported };

// On `ip`, `network` holds the IPv4 or IPv6 packet (version nibble not yet checked).
[[nodiscard]] LinkResult strip_link_layer(uint32_t link_type, std::span<const uint8_t> frame,
                                          std::span<const uint8_t>& network);

}  // namespace tc::wire
