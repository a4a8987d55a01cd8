#pragma once
// Tracks TCP connections (canonical 5-tuple), decides client and server,
// reassembles both directions into a TlsStream and hands each TLS connection
// to the sink when it ends (FIN from both sides, RST, eviction or end of
// capture). Connections that never carried TLS are only counted.
#include <bitset>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <list>
#include <memory>
#include <unordered_map>

#include "wire/capture.h"
#include "wire/ip.h"
#include "wire/tcp.h"
#include "wire/tcp_reassembly.h"
#include "wire/tls_stream.h"

namespace tc::wire {

struct FlowKey {
  IpAddress low_address, high_address;  // endpoints ordered so both directions share a key
  uint16_t low_port = 0, high_port = 0;
  bool operator==(const FlowKey&) const = default;
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& key) const;
};

// The canonical key of a segment's connection (both directions alike);
// `sender` is set to the sending endpoint's index in it (0 low, 1 high).
FlowKey flow_key_of(const IpPacket& ip, const TcpSegment& tcp, int& sender);

// When a table reported a connection. Tables that each see a share of the
// flows (one per thread) report in the order one table would when their
// connections are merged by this.
struct ReportOrder {
  static constexpr uint64_t kEndOfCapture = std::numeric_limits<uint64_t>::max();
  uint64_t frame = 0;       // the frame whose segment ended it, or kEndOfCapture
  uint64_t last_frame = 0;  // its last tracked frame: at the end, least recently used first
  auto operator<=>(const ReportOrder&) const = default;
};
using OrderedConnectionSink = std::function<void(Connection&&, const ReportOrder&)>;

class FlowTable {
 public:
  FlowTable(const CaptureOptions& options, OrderedConnectionSink sink, CaptureStats& stats);
  ~FlowTable();

  // A segment SegmentDecoder let through (on a read port, or any with detection).
  void on_segment(const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp);
  // Reports every connection still open (end of capture).
  void finish_all();

 private:
  struct Flow;
  using FlowList = std::list<Flow>;

  bool configured_port(uint16_t port) const { return ports_[port]; }
  Flow* create(const FlowKey& key, uint64_t frame, double timestamp);
  void decide_roles(Flow& flow, int sender, const TcpSegment& tcp);
  // Reports the connection (if it carried TLS) to the sink or counts it.
  void report(Flow& flow, const char* why);
  // FIN from both sides or RST: report now, keep a tombstone.
  void close(Flow& flow);
  // Reports (unless done already) and forgets the flow.
  void finish(FlowList::iterator flow, const char* why);

  CaptureOptions options_;
  std::bitset<65536> ports_;
  OrderedConnectionSink sink_;
  CaptureStats& stats_;
  ReportOrder now_;  // frame being decoded (kEndOfCapture in finish_all)
  FlowList flows_;  // least recently used first
  std::unordered_map<FlowKey, FlowList::iterator, FlowKeyHash> index_;
};

}  // namespace tc::wire
