#pragma once
// Reassembles one direction of a TCP connection into in-order bytes:
// retransmissions and overlaps are trimmed (the first copy wins), segments
// that arrive early wait in a bounded buffer, and a gap that never fills is
// reported as lost bytes — never invented.
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace tc::wire {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // In-order bytes; a chunk starts where a segment (or its unseen part) started.
  virtual void on_data(std::span<const uint8_t> bytes, uint64_t frame) = 0;
  // `bytes` will never arrive; nothing more is delivered after this.
  virtual void on_gap(uint64_t bytes) = 0;
};

class TcpReassembler {
 public:
  explicit TcpReassembler(size_t max_buffered = 1 << 20) : max_buffered_(max_buffered) {}

  void segment(uint32_t sequence, uint8_t flags, std::span<const uint8_t> payload, uint64_t frame, StreamSink& sink);
  // End of the connection or capture: anything still waiting behind a gap is lost.
  void finish(StreamSink& sink);
  // Stops delivering and buffering (the reader lost interest in this direction).
  void stop() {
    stopped_ = true;
    out_of_order_.clear();
    buffered_ = 0;
  }

  [[nodiscard]] bool started() const { return started_; }
  [[nodiscard]] bool saw_syn() const { return saw_syn_; }
  [[nodiscard]] uint32_t initial_sequence() const { return initial_sequence_; }
  [[nodiscard]] uint64_t delivered() const { return next_offset_; }
  [[nodiscard]] size_t buffered() const { return buffered_; }

 private:
  void deliver(std::span<const uint8_t> bytes, uint64_t frame, StreamSink& sink);
  void drain(uint64_t frame, StreamSink& sink);
  // `next_known`: offset of the first byte seen after the gap (when nothing is buffered).
  void give_up(StreamSink& sink, uint64_t next_known);

  size_t max_buffered_;
  bool started_ = false;
  bool saw_syn_ = false;
  bool stopped_ = false;
  uint32_t initial_sequence_ = 0;
  uint32_t next_sequence_ = 0;
  uint64_t next_offset_ = 0;  // stream offset of next_sequence_
  std::map<uint64_t, std::vector<uint8_t>> out_of_order_;  // by stream offset
  size_t buffered_ = 0;
};

}  // namespace tc::wire
