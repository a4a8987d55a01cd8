#include "wire/link.h"

#include "wire/byte_cursor.h"

namespace tc::wire {
namespace {

constexpr uint16_t ethertype_ipv4 = 0x0800;
constexpr uint16_t ethertype_ipv6 = 0x86DD;
constexpr uint16_t ethertype_vlan = 0x8100;      // 802.1Q
constexpr uint16_t ethertype_qinq = 0x88A8;      // 802.1ad
constexpr uint16_t ethertype_qinq_old = 0x9100;  // pre-standard QinQ
constexpr int max_vlan_tags = 8;

// Follows VLAN tags from an EtherType at `at`; the IP packet starts after the last one.
LinkResult after_ethertype(std::span<const uint8_t> frame, size_t at, std::span<const uint8_t>& network) {
  for (int tags = 0; tags <= max_vlan_tags; ++tags) {
    if (frame.size() < at + 2) return LinkResult::malformed;
    const uint16_t type = load_be16(frame.data() + at);
    at += 2;
    if (type == ethertype_ipv4 || type == ethertype_ipv6) {
      network = frame.subspan(at);
      return LinkResult::ip;
    }
    if (type != ethertype_vlan && type != ethertype_qinq && type != ethertype_qinq_old) return LinkResult::not_ip;
    at += 2;  // struct { u16 tci; u16 inner_type; } — skip the TCI, read the inner type next
  }
  return LinkResult::malformed;
}

// BSD loopback: a 4-byte address family in the writer's byte order (null) or
// network order (loop). AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 on
// the BSDs and macOS, 10 on Linux.
bool family_is_ip(uint32_t family) {
  return family == 2 || family == 24 || family == 28 || family == 30 || family == 10;
}

}  // namespace

LinkResult strip_link_layer(uint32_t link_type, std::span<const uint8_t> frame, std::span<const uint8_t>& network) {
  switch (link_type) {
    case linktype::ethernet:
      // struct { u8 dst[6]; u8 src[6]; u16 ethertype; }
      return after_ethertype(frame, 12, network);
    case linktype::linux_sll:
      // struct { u16 packet_type; u16 arphrd; u16 addr_len; u8 addr[8]; u16 protocol; }
      return after_ethertype(frame, 14, network);
    case linktype::linux_sll2: {
      // struct { u16 protocol; u16 reserved; u32 if_index; u16 arphrd; u8 packet_type; u8 addr_len; u8 addr[8]; }
      if (frame.size() < 20) return LinkResult::malformed;
      const uint16_t protocol = load_be16(frame.data());
      if (protocol != ethertype_ipv4 && protocol != ethertype_ipv6) return LinkResult::not_ip;
      network = frame.subspan(20);
      return LinkResult::ip;
    }
    case linktype::raw:
    case linktype::raw_bsd_a:
    case linktype::raw_bsd_b:
    case linktype::ipv4:
    case linktype::ipv6:
      network = frame;
      return LinkResult::ip;
    case linktype::null:
    case linktype::loop: {
      if (frame.size() < 4) return LinkResult::malformed;
      // Either byte order is accepted for both: writers disagree in practice.
      if (!family_is_ip(load_le32(frame.data())) && !family_is_ip(load_be32(frame.data()))) return LinkResult::not_ip;
      network = frame.subspan(4);
      return LinkResult::ip;
    }
    default:
      return LinkResult::unsupported;
  }
}

}  // namespace tc::wire
