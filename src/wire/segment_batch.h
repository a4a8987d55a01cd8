#pragma once
// Tracked TCP segments copied out of the reader's buffer, so the parallel
// reader can hand a worker thread many at once (one lock per batch, not per
// packet). Only what the flow table reads is kept: addresses, ports,
// sequence, flags, payload, frame and time.
#include <cstdint>
#include <vector>

#include "wire/ip.h"
#include "wire/tcp.h"

namespace tc::wire {

class SegmentBatch {
 public:
  void add(const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp) {
    records_.push_back({ip.source, ip.destination, tcp.source_port, tcp.destination_port, tcp.sequence, tcp.flags,
                        frame, timestamp, payload_.size(), tcp.payload.size()});
    payload_.insert(payload_.end(), tcp.payload.begin(), tcp.payload.end());
  }

  // Calls visit(ip, tcp, frame, timestamp) for each segment in order; the
  // views point into the batch.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    IpPacket ip;
    ip.protocol = 6;
    TcpSegment tcp;
    for (const Record& record : records_) {
      ip.source = record.source;
      ip.destination = record.destination;
      tcp.source_port = record.source_port;
      tcp.destination_port = record.destination_port;
      tcp.sequence = record.sequence;
      tcp.flags = record.flags;
      tcp.payload = {payload_.data() + record.payload_offset, record.payload_size};
      visit(ip, tcp, record.frame, record.timestamp);
    }
  }

  [[nodiscard]] size_t segments() const { return records_.size(); }
  [[nodiscard]] size_t payload_bytes() const { return payload_.size(); }
  void clear() {
    records_.clear();
    payload_.clear();
    through_frame = 0;
    last = false;
  }

  // Every frame up to here meant for this batch's worker is in it or in an earlier batch.
  uint64_t through_frame = 0;
  // The capture ends after this batch: the worker reports what is still open.
  bool last = false;

 private:
  struct Record {
    IpAddress source, destination;
    uint16_t source_port, destination_port;
    uint32_t sequence;
    uint8_t flags;
    uint64_t frame;
    double timestamp;
    size_t payload_offset, payload_size;
  };
  std::vector<Record> records_;
  std::vector<uint8_t> payload_;
};

}  // namespace tc::wire
