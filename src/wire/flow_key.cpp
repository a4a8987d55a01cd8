#include "wire/flow_key.h"

#include <bit>
#include <cstring>

namespace tc::wire {

namespace {

uint64_t load_word(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

uint64_t load_big_endian_word(const uint8_t* p) {
  const uint64_t word = load_word(p);
  return std::endian::native == std::endian::little ? __builtin_bswap64(word) : word;
}

bool same_address(const IpAddress& a, const IpAddress& b) {
  return ((load_word(a.bytes.data()) ^ load_word(b.bytes.data())) |
          (load_word(a.bytes.data() + 8) ^ load_word(b.bytes.data() + 8))) == 0 &&
         a.v6 == b.v6;
}

// (address, port) ordered as std::tie(address, port) <=> would order them:
// bytes lexicographically (compared as big-endian words), then the family, then the port.
bool endpoint_not_after(const IpAddress& a, uint16_t a_port, const IpAddress& b, uint16_t b_port) {
  const uint64_t a0 = load_big_endian_word(a.bytes.data()), b0 = load_big_endian_word(b.bytes.data());
  if (a0 != b0) return a0 < b0;
  const uint64_t a1 = load_big_endian_word(a.bytes.data() + 8), b1 = load_big_endian_word(b.bytes.data() + 8);
  if (a1 != b1) return a1 < b1;
  if (a.v6 != b.v6) return a.v6 < b.v6;
  return a_port <= b_port;
}

}  // namespace

bool FlowKey::operator==(const FlowKey& other) const {
  return low_port == other.low_port && high_port == other.high_port && same_address(low_address, other.low_address) &&
         same_address(high_address, other.high_address);
}

FlowKey flow_key_of(const IpPacket& ip, const TcpSegment& tcp, int& sender) {
  if (endpoint_not_after(ip.source, tcp.source_port, ip.destination, tcp.destination_port)) {
    sender = 0;
    return {ip.source, ip.destination, tcp.source_port, tcp.destination_port};
  }
  sender = 1;
  return {ip.destination, ip.source, tcp.destination_port, tcp.source_port};
}

size_t FlowKeyHash::operator()(const FlowKey& key) const {
  // Each word multiplied by its own odd constant, independently (the CPU runs
  // the multiplies side by side, unlike a chain of mixing steps), then a
  // splitmix64 finaliser so the low bits the index uses depend on every word.
  // Every tracked segment is hashed: a byte-wise hash cost ~12% of the decoder.
  uint64_t hash = (((uint64_t{key.low_port} << 16) | key.high_port) + 1) * 0x9e3779b97f4a7c15ull;
  hash ^= load_word(key.low_address.bytes.data()) * 0x87c37b91114253d5ull;
  hash ^= load_word(key.low_address.bytes.data() + 8) * 0x4cf5ad432745937full;
  hash ^= load_word(key.high_address.bytes.data()) * 0xc2b2ae3d27d4eb4full;
  hash ^= load_word(key.high_address.bytes.data() + 8) * 0x165667b19e3779f9ull;
  hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ull;
  hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebull;
  return static_cast<size_t>(hash ^ (hash >> 31));
}

}  // namespace tc::wire
