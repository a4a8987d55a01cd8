#include "wire/parallel_capture.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "wire/bounded_queue.h"
#include "wire/capture_file_loop.h"
#include "wire/captured_packet.h"
#include "wire/chunked_capture.h"
#include "wire/flow_key.h"
#include "wire/segment_batch.h"
#include "wire/segment_decoder.h"
#include "wire/worker_lanes.h"

namespace tc::wire {

void add_stats(CaptureStats& total, const CaptureStats& part) {
  total.frames += part.frames;
  total.bytes += part.bytes;
  total.ip_fragments_skipped += part.ip_fragments_skipped;
  total.non_ip += part.non_ip;
  total.non_tcp += part.non_tcp;
  total.malformed += part.malformed;
  total.unsupported_link_type += part.unsupported_link_type;
  total.tcp_segments += part.tcp_segments;
  total.connections_tls += part.connections_tls;
  total.connections_other += part.connections_other;
  total.connections_evicted += part.connections_evicted;
  total.lost_bytes += part.lost_bytes;
}

namespace {

// A batch goes to its worker when it holds this much…
constexpr size_t kBatchSegments = 1024;
constexpr size_t kBatchPayloadBytes = 256 << 10;
// … and every worker gets a round of batches at least this often, so the
// merge can move on while little TLS passes (RTP-heavy captures).
constexpr uint64_t kRoundFrames = 65536;
// Per worker: batches waiting for it. Together with the batch pool and the
// lanes this bounds the memory in flight.
constexpr size_t kQueuedBatches = 4;

using Batch = std::unique_ptr<SegmentBatch>;

// Batches a worker is done with go back to the reader: no allocation in the
// steady state, and no more batches than the queues hold.
class BatchPool {
 public:
  Batch take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<SegmentBatch>();
    Batch batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }
  void give(Batch batch) {
    batch->clear();
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(batch));
  }

 private:
  std::mutex mutex_;
  std::vector<Batch> free_;
};

struct Cancelled {};  // unwinds the reader's loop once the run is cancelled

// A stream (stdin, a pipe, gzip): one reader thread decodes link, IP and TCP
// and deals the tracked segments, copied in batches, to the workers.
class Pipeline {
 public:
  Pipeline(const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& deliver)
      : options_(options), lanes_(options, stages, deliver), inputs_(stages.size()) {
    for (auto& input : inputs_) input = std::make_unique<BoundedQueue<Batch>>(kQueuedBatches);
  }

  // Reader thread: the file loop feeds a Splitter; the last round ends the capture.
  void read(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name) {
    try {
      Splitter splitter(*this);
      reader_ok_ = read_packets(std::move(source), block_size, name, options_, splitter, reader_diagnostics_);
      splitter.send_round(true);
    } catch (const Cancelled&) {
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void work(size_t worker) {
    try {
      WorkerLanes::Lane lane(lanes_, worker);
      while (std::optional<Batch> batch = inputs_[worker]->pop()) {
        (*batch)->for_each([&](const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp) {
          lane.segment(ip, tcp, frame, timestamp);
        });
        const bool last = (*batch)->last;
        const uint64_t through = (*batch)->through_frame;
        pool_.give(std::move(*batch));
        lane.advance(through);
        if (last) {
          lane.finish();
          return;
        }
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void fail(std::exception_ptr error) {
    {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = error;
    }
    lanes_.cancel();
    for (auto& input : inputs_) input->cancel();
  }

  // After the threads are joined.
  bool finish(CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
    if (error_) std::rethrow_exception(error_);
    add_stats(stats, reader_stats_);
    lanes_.add_stats_to(stats);
    append_diagnostics(diagnostics, reader_diagnostics_);
    return reader_ok_;
  }

 private:
  // Decodes on the reader thread and deals tracked segments to the workers.
  class Splitter final : public PacketConsumer {
   public:
    explicit Splitter(Pipeline& run) : run_(run), segments_(run.options_, run.reader_stats_) {
      for (size_t i = 0; i < run_.inputs_.size(); ++i) pending_.push_back(run_.pool_.take());
    }
    void packet(uint32_t link_type, double timestamp, uint64_t frame, std::span<const uint8_t> bytes) override {
      frame_ = frame;
      if (segments_.decode(link_type, bytes)) {
        int sender = 0;
        const size_t worker = FlowKeyHash{}(flow_key_of(segments_.ip(), segments_.tcp(), sender)) % pending_.size();
        SegmentBatch& batch = *pending_[worker];
        batch.add(segments_.ip(), segments_.tcp(), frame, timestamp);
        if (batch.segments() >= kBatchSegments || batch.payload_bytes() >= kBatchPayloadBytes) send_round(false);
      }
      if (frame - round_frame_ >= kRoundFrames) send_round(false);
    }
    // Every worker gets a batch (empty or not) marked with how far the reader
    // is: the merge's guarantee of progress (ordered_merge.h).
    void send_round(bool last) {
      for (size_t worker = 0; worker < pending_.size(); ++worker) {
        pending_[worker]->through_frame = frame_;
        pending_[worker]->last = last;
        if (!run_.inputs_[worker]->push(std::move(pending_[worker]))) throw Cancelled{};
        if (!last) pending_[worker] = run_.pool_.take();
      }
      round_frame_ = frame_;
    }

   private:
    Pipeline& run_;
    SegmentDecoder segments_;
    std::vector<Batch> pending_;
    uint64_t frame_ = 0;
    uint64_t round_frame_ = 0;
  };

  const CaptureOptions& options_;
  BatchPool pool_;
  WorkerLanes lanes_;
  std::vector<std::unique_ptr<BoundedQueue<Batch>>> inputs_;
  CaptureStats reader_stats_;
  std::vector<CaptureDiagnostic> reader_diagnostics_;
  bool reader_ok_ = false;
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

bool read_pipelined(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name,
                    const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& deliver,
                    CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
  Pipeline run(options, stages, deliver);
  {
    // The calling thread reads.
    std::vector<std::jthread> threads;  // joined before `run` goes
    try {
      for (size_t worker = 0; worker < stages.size(); ++worker) {
        threads.emplace_back([&run, worker] { run.work(worker); });
      }
    } catch (...) {
      run.fail(std::current_exception());  // e.g. no thread could be started: release those that were
    }
    run.read(std::move(source), block_size, name);
  }
  return run.finish(stats, diagnostics);
}

// Bytes in memory are read in chunks by every thread; a stream (or gzip,
// which must be inflated front to back) by one reader thread.
bool read_parallel(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name,
                   const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& deliver,
                   CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
  if (stages.empty()) throw std::invalid_argument("read_capture_parallel: no worker stage");
  std::span<const uint8_t> bytes;
  if (source->in_memory(bytes) && !starts_as_gzip(bytes)) {
    return read_chunked(*source, bytes, name, options, stages, deliver, stats, diagnostics);
  }
  return read_pipelined(std::move(source), block_size, name, options, stages, deliver, stats, diagnostics);
}

}  // namespace

bool read_capture_parallel(std::string_view path_or_dash, const CaptureOptions& options,
                           std::span<const WorkerStage> stages, const OutputSink& deliver, CaptureStats& stats,
                           std::vector<CaptureDiagnostic>& diagnostics) {
  const std::string name(path_or_dash);
  auto source = open_capture_file(name, diagnostics);
  if (!source) return false;
  return read_parallel(std::move(source), 1 << 20, name, options, stages, deliver, stats, diagnostics);
}

bool read_capture_bytes_parallel(std::span<const uint8_t> bytes, std::string_view name, const CaptureOptions& options,
                                 std::span<const WorkerStage> stages, const OutputSink& deliver, CaptureStats& stats,
                                 std::vector<CaptureDiagnostic>& diagnostics) {
  const size_t block_size = std::clamp<size_t>(bytes.size(), 4096, 1 << 20);
  return read_parallel(memory_source(bytes), block_size, std::string(name), options, stages, deliver, stats,
                       diagnostics);
}

}  // namespace tc::wire
