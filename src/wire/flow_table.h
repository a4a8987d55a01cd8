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
#include <memory>
#include <vector>

#include "wire/capture.h"
#include "wire/flow_index.h"
#include "wire/flow_key.h"
#include "wire/ip.h"
#include "wire/lru_list.h"
#include "wire/object_pool.h"
#include "wire/tcp.h"
#include "wire/tcp_reassembly.h"
#include "wire/tls_stream.h"

namespace tc::wire {

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
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // A segment SegmentDecoder let through (on a read port, or any with detection).
  void on_segment(const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp);
  // The same with the segment's flow key (flow_key_of), its FlowKeyHash and
  // sender already worked out (the parallel reader does, to deal it).
  void on_segment(const FlowKey& key, uint64_t hash, int sender, const TcpSegment& tcp, uint64_t frame,
                  double timestamp);
  // Reports every connection still open (end of capture).
  void finish_all();

 private:
  struct Flow;

  bool configured_port(uint16_t port) const { return ports_[port]; }
  Flow* create(const FlowKey& key, uint64_t hash, uint64_t frame, double timestamp);
  void decide_roles(Flow& flow, int sender, const TcpSegment& tcp);
  // Reports the connection (if it carried TLS) to the sink or counts it.
  void report(Flow& flow, const char* why);
  // FIN from both sides or RST: report now, keep a tombstone.
  void close(Flow& flow);
  // Reports (unless done already) and forgets the flow.
  void finish(Flow* flow, const char* why);
  // TLS streams are reused: a stream is larger than malloc's per-thread
  // cache takes, and its record buffer is allocated again per connection otherwise.
  std::unique_ptr<TlsStream> new_tls_stream();
  void recycle(std::unique_ptr<TlsStream>& tls);

  CaptureOptions options_;
  std::bitset<65536> ports_;
  OrderedConnectionSink sink_;
  CaptureStats& stats_;
  ReportOrder now_;  // frame being decoded (kEndOfCapture in finish_all)
  ObjectPool<Flow> pool_;  // where the tracked flows live
  LruList<Flow> flows_;    // every tracked flow, least recently used first
  FlowIndex<Flow> index_;  // the same flows by key
  std::vector<std::unique_ptr<TlsStream>> spare_tls_;  // reset, ready for the next connection
};

}  // namespace tc::wire
