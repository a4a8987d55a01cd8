#include "wire/tcp_reassembly.h"

#include "wire/tcp.h"

namespace tc::wire {

void TcpReassembler::segment(uint32_t sequence, uint8_t flags, std::span<const uint8_t> payload, uint64_t frame,
                             StreamSink& sink) {
  if (stopped_) return;
  if (flags & tcp_flag::syn) {
    if (!started_) {
      started_ = true;
      saw_syn_ = true;
      initial_sequence_ = sequence;
      next_sequence_ = sequence + 1;
    }
    ++sequence;  // the SYN occupies one sequence number; data (TCP Fast Open) follows it
  }
  if (payload.empty()) return;
  if (!started_) {
    // The capture began mid-connection: take this segment as the start.
    started_ = true;
    initial_sequence_ = sequence;
    next_sequence_ = sequence;
  }
  const int64_t delta = static_cast<int32_t>(sequence - next_sequence_);
  if (delta <= 0) {
    const uint64_t seen = static_cast<uint64_t>(-delta);
    if (seen >= payload.size()) return;  // a retransmission of bytes already delivered
    deliver(payload.subspan(seen), frame, sink);
    drain(frame, sink);
    return;
  }
  const uint64_t offset = next_offset_ + static_cast<uint64_t>(delta);
  auto found = out_of_order_.find(offset);
  if (found != out_of_order_.end() && found->second.size() >= payload.size()) return;  // already held
  if (buffered_ + payload.size() > max_buffered_) {
    // The gap did not fill within the buffer: what is missing is lost.
    give_up(sink, offset);
    return;
  }
  if (found != out_of_order_.end()) {
    buffered_ -= found->second.size();
    found->second.assign(payload.begin(), payload.end());
  } else {
    out_of_order_.emplace(offset, std::vector<uint8_t>(payload.begin(), payload.end()));
  }
  buffered_ += payload.size();
}

void TcpReassembler::deliver(std::span<const uint8_t> bytes, uint64_t frame, StreamSink& sink) {
  next_sequence_ += static_cast<uint32_t>(bytes.size());
  next_offset_ += bytes.size();
  sink.on_data(bytes, frame);
}

void TcpReassembler::drain(uint64_t frame, StreamSink& sink) {
  // Segments that were waiting complete in the frame that filled the gap (as tshark reports them).
  while (!stopped_ && !out_of_order_.empty() && out_of_order_.begin()->first <= next_offset_) {
    auto node = out_of_order_.extract(out_of_order_.begin());
    buffered_ -= node.mapped().size();
    const uint64_t seen = next_offset_ - node.key();
    if (seen < node.mapped().size()) deliver(std::span<const uint8_t>(node.mapped()).subspan(seen), frame, sink);
  }
}

void TcpReassembler::give_up(StreamSink& sink, uint64_t next_known) {
  const uint64_t lost = (out_of_order_.empty() ? next_known : out_of_order_.begin()->first) - next_offset_;
  stop();
  sink.on_gap(lost);
}

void TcpReassembler::finish(StreamSink& sink) {
  if (!stopped_ && !out_of_order_.empty()) give_up(sink, 0);
}

}  // namespace tc::wire
