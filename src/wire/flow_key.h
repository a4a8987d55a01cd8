#pragma once
// The canonical key of a TCP connection: both endpoints in a fixed order, so
// both directions of a connection share it. Every tracked segment builds,
// hashes and compares one, so these are written for speed (word loads, no memcmp calls).
#include <cstdint>

#include "wire/ip.h"
#include "wire/tcp.h"

namespace tc::wire {

struct FlowKey {
  IpAddress low_address, high_address;  // endpoints ordered so both directions share a key
  uint16_t low_port = 0, high_port = 0;
  bool operator==(const FlowKey& other) const;
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& key) const;
};

// The canonical key of a segment's connection (both directions alike);
// `sender` is set to the sending endpoint's index in it (0 low, 1 high).
FlowKey flow_key_of(const IpPacket& ip, const TcpSegment& tcp, int& sender);

}  // namespace tc::wire
