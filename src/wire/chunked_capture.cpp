#include "wire/chunked_capture.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "wire/byte_cursor.h"
#include "wire/captured_packet.h"
#include "wire/chunk_scan.h"
#include "wire/worker_lanes.h"

namespace tc::wire {
namespace {

// A chunk whose start could not be guessed: it never matches, so it is read
// again from where the chunk before it ends.
constexpr uint64_t kNowhere = std::numeric_limits<uint64_t>::max();

struct Head {
  RecordFormat format = RecordFormat::pcap;
  ReaderPosition first;  // the first record (pcapng: packet) and what is known there
};

// The file header (pcap) or the blocks before the first packet (pcapng).
// Nothing when there is nothing to read: the diagnostics say why.
std::optional<Head> read_head(std::span<const uint8_t> file, const std::string& name,
                              std::vector<CaptureDiagnostic>& diagnostics) {
  if (file.size() < 4) {
    add_diagnostic(diagnostics, name, 0, 0, file.empty() ? "empty file" : "not a pcap or pcapng file", true);
    return std::nullopt;
  }
  BufferedReader input(memory_source(file));
  Head head;
  const uint32_t magic = load_be32(file.data());
  if (is_pcap_magic(magic)) {
    PcapReader reader(input, name, diagnostics);
    if (!reader.open()) return std::nullopt;
    head.first.offset = input.offset();
    head.first.pcap = reader.layout();
    return head;
  }
  if (magic == kPcapngSectionHeader) {
    head.format = RecordFormat::pcapng;
    PcapngReader reader(input, name, diagnostics);
    CapturedPacket packet;
    if (reader.next(packet) != ReadResult::packet) return std::nullopt;
    head.first.offset = packet.offset;
    head.first.pcapng = reader.state();
    return head;
  }
  add_diagnostic(diagnostics, name, 0, 0, "not a pcap or pcapng file", true);
  return std::nullopt;
}

// Everything the threads of one capture share; it outlives them.
class ChunkedRun {
 public:
  ChunkedRun(ByteSource& source, std::span<const uint8_t> file, std::string name, const Head& head,
             const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& deliver)
      : source_(source),
        file_(file),
        name_(std::move(name)),
        head_(head),
        options_(options),
        lanes_(options, stages, deliver),
        chunk_bytes_(std::clamp<size_t>(options.parallel_chunk_bytes, 64, size_t{1} << 30)),
        chunk_count_(std::max<uint64_t>(1, (file.size() - head.first.offset + chunk_bytes_ - 1) / chunk_bytes_)),
        // Chunks read ahead of the slowest thread: enough for every thread to
        // read one while the others feed their tables, few enough that the
        // bytes, segment records and payload copies in flight stay small
        // (~5 MiB a chunk at most).
        slots_(std::min<size_t>(2 * stages.size() + 2, kMaxChunksInFlight)),
        consumed_(stages.size(), 0),
        verified_end_(head.first) {}

  // Worker thread: feeds its table from the chunks known in order; otherwise
  // confirms the next chunk, or reads one ahead; otherwise waits.
  void work(size_t worker) {
    try {
      WorkerLanes::Lane lane(lanes_, worker);
      ChunkScanner scanner(file_, head_.format, name_, options_, lanes_.size());
      std::unique_lock lock(mutex_);
      for (;;) {
        if (cancelled_) return;
        const uint64_t mine = consumed_[worker];
        if (last_chunk_ && mine > *last_chunk_) break;
        if (mine < next_to_verify_) {
          Slot& slot = slot_of(mine);
          lock.unlock();
          feed(lane, worker, slot);
          lock.lock();
          ++consumed_[worker];
          retire();
        } else if (!verifying_ && next_to_verify_ < next_to_claim_ && slot_of(next_to_verify_).read) {
          verify(lock, scanner);
        } else if (!last_chunk_ && next_to_claim_ < chunk_count_ && next_to_claim_ < retired_ + slots_.size()) {
          const uint64_t chunk = next_to_claim_++;
          Slot& slot = slot_of(chunk);
          slot.read = false;
          // What the reader knew where the confirmed chunks end: a pcapng
          // whose interfaces change mid-file is read again only until the
          // confirmed chunks pass the change.
          const ReaderPosition known = verified_end_;
          lock.unlock();
          read_ahead(scanner, chunk, known, slot.scan);
          lock.lock();
          slot.read = true;
          changed_.notify_all();
        } else {
          changed_.wait(lock);
        }
      }
      lock.unlock();
      lane.finish();
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void fail(std::exception_ptr error) {
    {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = error;
      cancelled_ = true;
      changed_.notify_all();
    }
    lanes_.cancel();
  }

  // After the threads are joined.
  bool finish(CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
    if (error_) std::rethrow_exception(error_);
    add_stats(stats, reader_stats_);
    lanes_.add_stats_to(stats);
    const bool ok = !any_fatal(diagnostics_);
    append_diagnostics(diagnostics, diagnostics_);  // capped in total, as one thread's list is
    return ok;
  }

 private:
  struct Slot {
    ChunkScan scan;
    bool read = false;         // the scan is complete (confirmed or not)
    uint64_t first_frame = 0;  // once confirmed: frames in the chunks before it
  };

  Slot& slot_of(uint64_t chunk) { return slots_[chunk % slots_.size()]; }
  [[nodiscard]] uint64_t begin_of(uint64_t chunk) const { return head_.first.offset + chunk * chunk_bytes_; }
  [[nodiscard]] uint64_t limit_of(uint64_t chunk) const {
    return chunk + 1 == chunk_count_ ? file_.size() : begin_of(chunk + 1);
  }

  // Any thread, without the lock.
  void read_ahead(ChunkScanner& scanner, uint64_t chunk, const ReaderPosition& known, ChunkScan& out) {
    source_.populate(begin_of(chunk), limit_of(chunk));
    if (chunk == 0) {
      scanner.scan(head_.first, limit_of(chunk), out);
    } else if (std::optional<ReaderPosition> start = scanner.guess_start(begin_of(chunk), limit_of(chunk), known)) {
      scanner.scan(*start, limit_of(chunk), out);
    } else {
      out.reset(lanes_.size());
      out.start.offset = kNowhere;
    }
  }

  // With the lock: the next chunk in file order becomes known, read again
  // first (without the lock) when it did not start where the one before ended.
  void verify(std::unique_lock<std::mutex>& lock, ChunkScanner& scanner) {
    const uint64_t chunk = next_to_verify_;
    Slot& slot = slot_of(chunk);
    if (!(slot.scan.start == verified_end_)) {
      verifying_ = true;
      const ReaderPosition from = verified_end_;
      lock.unlock();
      scanner.scan(from, limit_of(chunk), slot.scan);
      lock.lock();
      verifying_ = false;
    }
    slot.first_frame = frames_;
    frames_ += slot.scan.records;
    verified_end_ = slot.scan.end;
    // Read, and what the workers need of it copied: these bytes can leave memory.
    source_.release_before(verified_end_.offset);
    add_stats(reader_stats_, slot.scan.stats);
    append_diagnostics(diagnostics_, slot.scan.diagnostics);
    if (slot.scan.last || chunk + 1 == chunk_count_) last_chunk_ = chunk;
    ++next_to_verify_;
    if (options_.progress) options_.progress(slot.scan.end.offset);
    changed_.notify_all();
  }

  // Without the lock: this worker's segments of a confirmed chunk.
  void feed(WorkerLanes::Lane& lane, size_t worker, const Slot& slot) {
    TcpSegment tcp;
    const std::vector<SegmentRef>& segments = slot.scan.segments[worker];
    const uint8_t* payloads = slot.scan.payloads[worker].data();
    for (size_t i = 0; i < segments.size(); ++i) {
      const SegmentRef& segment = segments[i];
      tcp.sequence = segment.sequence;
      tcp.flags = segment.flags;
      tcp.payload = {payloads + segment.payload_offset, segment.payload_size};
      lane.segment(segment.key, segment.hash, segment.sender, tcp, slot.first_frame + segment.frame_in_chunk,
                   segment.timestamp);
      // Now and then say how far this lane is, so the others' outputs can go.
      if (i % kSegmentsPerAdvance == kSegmentsPerAdvance - 1) lane.advance(slot.first_frame + segment.frame_in_chunk);
    }
    lane.advance(slot.first_frame + slot.scan.records);
  }

  // With the lock: chunks every thread has fed are done with; their slots
  // can take new chunks.
  void retire() {
    const uint64_t lowest = *std::min_element(consumed_.begin(), consumed_.end());
    if (lowest == retired_) return;
    retired_ = lowest;
    changed_.notify_all();
  }

  static constexpr size_t kSegmentsPerAdvance = 256;
  static constexpr size_t kMaxChunksInFlight = 10;

  ByteSource& source_;
  std::span<const uint8_t> file_;
  std::string name_;
  Head head_;
  const CaptureOptions& options_;
  WorkerLanes lanes_;
  uint64_t chunk_bytes_;
  uint64_t chunk_count_;

  std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::vector<Slot> slots_;
  std::vector<uint64_t> consumed_;  // per worker: chunks fed to its table
  uint64_t retired_ = 0;            // chunks every worker has fed
  uint64_t next_to_claim_ = 0;
  uint64_t next_to_verify_ = 0;
  bool verifying_ = false;
  ReaderPosition verified_end_;     // where the confirmed chunks end
  uint64_t frames_ = 0;             // in the confirmed chunks
  std::optional<uint64_t> last_chunk_;
  CaptureStats reader_stats_;
  std::vector<CaptureDiagnostic> diagnostics_;
  bool cancelled_ = false;
  std::exception_ptr error_;
};

}  // namespace

bool read_chunked(ByteSource& source, std::span<const uint8_t> file, const std::string& name,
                  const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& deliver,
                  CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
  const size_t diagnostics_before = diagnostics.size();
  const std::optional<Head> head = read_head(file, name, diagnostics);
  if (!head) return !any_fatal(diagnostics, diagnostics_before);
  ChunkedRun run(source, file, name, *head, options, stages, deliver);
  {
    // The calling thread is worker 0.
    std::vector<std::jthread> threads;  // joined before `run` goes
    try {
      for (size_t worker = 1; worker < stages.size(); ++worker) {
        threads.emplace_back([&run, worker] { run.work(worker); });
      }
    } catch (...) {
      run.fail(std::current_exception());  // e.g. no thread could be started: release those that were
    }
    run.work(0);
  }
  return run.finish(stats, diagnostics);
}

}  // namespace tc::wire
