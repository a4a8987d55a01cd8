#include "wire/flow_table.h"

#include "wire/byte_cursor.h"

namespace tc::wire {

namespace {

// Does a segment open with what a TLS (or SSLv2-compatible) ClientHello starts with?
bool starts_client_hello(std::span<const uint8_t> p) {
  if (p.size() >= 6 && p[0] == 22 && p[1] == 3 && p[2] <= 4 && p[5] == 1) return true;
  return p.size() >= 3 && (p[0] & 0x80) != 0 && p[2] == 1;
}

}  // namespace

struct FlowTable::Flow : StreamSink {
  FlowKey key;
  uint64_t hash = 0;  // FlowKeyHash of the key, where the index holds it
  Flow* lru_prev = nullptr;  // LruList links
  Flow* lru_next = nullptr;
  IpAddress address[2];  // endpoint 0 = low, 1 = high
  uint16_t port[2] = {0, 0};
  TcpReassembler direction[2];
  std::unique_ptr<TlsStream> tls;
  int client = -1;  // endpoint index of the client, -1 while unknown
  bool closed[2] = {false, false};
  bool ignored = false;  // neither direction can be TLS: stop looking
  bool mid_stream_noted = false;
  bool reported = false;  // closed and handed to the sink; only a tombstone remains
  uint64_t first_frame = 0;
  uint64_t last_frame = 0;  // its place in the least-recently-used order
  double first_time = 0;
  int current = 0;  // endpoint whose data is being delivered

  Flow(size_t max_buffer) : direction{TcpReassembler(max_buffer), TcpReassembler(max_buffer)} {}

  Side side_of(int endpoint) const { return endpoint == client ? Side::client : Side::server; }

  void on_data(std::span<const uint8_t> bytes, uint64_t frame) override {
    tls->feed(side_of(current), bytes, frame);
  }
  void on_gap(uint64_t bytes) override {
    if (tls) tls->lost(side_of(current), bytes);
  }
};

FlowTable::FlowTable(const CaptureOptions& options, OrderedConnectionSink sink, CaptureStats& stats)
    : options_(options), sink_(std::move(sink)), stats_(stats) {
  for (uint16_t port : options_.ports) ports_.set(port);
}

FlowTable::~FlowTable() {
  // The pool holds the flows' memory; each live one is destroyed here, unreported.
  while (Flow* flow = flows_.front()) {
    flows_.remove(flow);
    pool_.release(flow);
  }
}

FlowTable::Flow* FlowTable::create(const FlowKey& key, uint64_t hash, uint64_t frame, double timestamp) {
  if (flows_.size() >= options_.max_connections && !flows_.empty()) {
    // The least recently used flow goes; a tombstone of a closed one costs nothing to drop.
    if (!flows_.front()->reported) ++stats_.connections_evicted;
    finish(flows_.front(), "evicted: more connections open than the tracking cap");
  }
  Flow& flow = *pool_.make(options_.max_direction_buffer);
  flow.key = key;
  flow.hash = hash;
  flow.address[0] = key.low_address;
  flow.address[1] = key.high_address;
  flow.port[0] = key.low_port;
  flow.port[1] = key.high_port;
  flow.first_frame = frame;
  flow.last_frame = frame;
  flow.first_time = timestamp;
  try {
    index_.insert(&flow, hash);  // may grow the index: the only step that can fail
  } catch (...) {
    pool_.release(&flow);
    throw;
  }
  flows_.push_back(&flow);
  return &flow;
}

void FlowTable::decide_roles(Flow& flow, int sender, const TcpSegment& tcp) {
  const int receiver = 1 - sender;
  if (tcp.flags & tcp_flag::syn) {
    flow.client = (tcp.flags & tcp_flag::ack) ? receiver : sender;  // the SYN sender is the client
  } else if (starts_client_hello(tcp.payload)) {
    flow.client = sender;
  } else if (configured_port(flow.port[receiver])) {
    flow.client = sender;
  } else if (configured_port(flow.port[sender])) {
    flow.client = receiver;
  } else {
    flow.client = sender;  // a guess: the first to speak
  }
}

void FlowTable::on_segment(const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp) {
  int sender = 0;
  const FlowKey key = flow_key_of(ip, tcp, sender);
  on_segment(key, FlowKeyHash{}(key), sender, tcp, frame, timestamp);
}

void FlowTable::on_segment(const FlowKey& key, uint64_t hash, int sender, const TcpSegment& tcp, uint64_t frame,
                           double timestamp) {
  now_ = {frame, 0};
  Flow* flow = index_.find(key, hash);
  if (flow != nullptr) {
    // A new SYN on a connection that already carried data: the port pair was reused.
    const bool fresh_syn = (tcp.flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn;
    if (fresh_syn && (flow->reported || (flow->direction[sender].started() &&
                                         flow->direction[sender].initial_sequence() != tcp.sequence &&
                                         flow->direction[sender].delivered() > 0))) {
      finish(flow, nullptr);
      flow = nullptr;
    } else {
      flows_.move_to_back(flow);
      flow->last_frame = frame;
    }
  }
  if (flow == nullptr) {
    // Pure ACKs and FINs of connections we never saw open are not worth tracking.
    if (!(tcp.flags & tcp_flag::syn) && tcp.payload.empty()) return;
    flow = create(key, hash, frame, timestamp);
  }
  if (flow->client < 0 && ((tcp.flags & tcp_flag::syn) || !tcp.payload.empty())) decide_roles(*flow, sender, tcp);

  if (!flow->ignored && !tcp.payload.empty() && !flow->tls) {
    flow->tls = new_tls_stream();
  }
  if (!flow->ignored) {
    TcpReassembler& direction = flow->direction[sender];
    if (flow->tls && !direction.started() && !(tcp.flags & tcp_flag::syn) && !tcp.payload.empty()) {
      flow->tls->set_mid_stream(flow->side_of(sender));
      if (!flow->mid_stream_noted) {
        flow->tls->connection().incomplete = true;
        flow->tls->connection().anomalies.push_back("capture began mid-connection");
        flow->mid_stream_noted = true;
      }
    }
    flow->current = sender;
    if (flow->tls && !flow->tls->wants_data(flow->side_of(sender))) {
      direction.stop();
    } else if (flow->tls || (tcp.flags & tcp_flag::syn)) {
      direction.segment(tcp.sequence, tcp.flags, tcp.payload, frame, *flow);
    }
    if (flow->tls && !flow->tls->wants_data(Side::client) && !flow->tls->wants_data(Side::server) &&
        !flow->tls->connection().is_tls) {
      flow->ignored = true;  // neither side looks like TLS: keep only the entry until it closes
      recycle(flow->tls);
      flow->direction[0].stop();
      flow->direction[1].stop();
    }
  }
  if (tcp.flags & tcp_flag::rst) {
    close(*flow);
    return;
  }
  if (tcp.flags & tcp_flag::fin) flow->closed[sender] = true;
  if (flow->closed[0] && flow->closed[1]) close(*flow);
}

void FlowTable::close(Flow& flow) {
  if (flow.reported) return;
  report(flow, nullptr);
  // Keep a tombstone so retransmissions after the close do not look like a new
  // connection begun mid-stream; a fresh SYN replaces it, LRU eviction drops it.
  flow.reported = true;
  flow.ignored = true;
  recycle(flow.tls);
  flow.direction[0].stop();
  flow.direction[1].stop();
}

void FlowTable::report(Flow& flow, const char* why) {
  if (flow.tls) {
    for (int endpoint : {0, 1}) {
      flow.current = endpoint;
      flow.direction[endpoint].finish(flow);
    }
    flow.tls->finish();
  }
  const bool is_tls = flow.tls && flow.tls->connection().is_tls;
  if (is_tls) {
    Connection& connection = flow.tls->connection();
    const int client = flow.client < 0 ? 0 : flow.client;
    connection.client = format_endpoint(flow.address[client], flow.port[client]);
    connection.server = format_endpoint(flow.address[1 - client], flow.port[1 - client]);
    connection.first_frame = flow.first_frame;
    connection.first_time = flow.first_time;
    if (why) {
      connection.incomplete = true;
      connection.anomalies.emplace_back(why);
    }
    stats_.lost_bytes += flow.tls->lost_bytes();
    ++stats_.connections_tls;
    sink_(std::move(connection), {now_.frame, flow.last_frame});
  } else {
    ++stats_.connections_other;
  }
}

std::unique_ptr<TlsStream> FlowTable::new_tls_stream() {
  if (spare_tls_.empty()) return std::make_unique<TlsStream>();
  std::unique_ptr<TlsStream> tls = std::move(spare_tls_.back());
  spare_tls_.pop_back();
  return tls;
}

void FlowTable::recycle(std::unique_ptr<TlsStream>& tls) {
  // A few spares cover the connections that end while others start; more would only hold memory.
  constexpr size_t kMaxSpareStreams = 32;
  if (!tls) return;
  if (spare_tls_.size() < kMaxSpareStreams) {
    tls->reset();
    spare_tls_.push_back(std::move(tls));
  }
  tls.reset();
}

void FlowTable::finish(Flow* flow, const char* why) {
  if (!flow->reported) report(*flow, why);
  recycle(flow->tls);
  index_.erase(flow, flow->hash);
  flows_.remove(flow);
  pool_.release(flow);
}

void FlowTable::finish_all() {
  now_ = {ReportOrder::kEndOfCapture, 0};
  while (!flows_.empty()) finish(flows_.front(), nullptr);
}

}  // namespace tc::wire
