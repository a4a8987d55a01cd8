#pragma once
// Reads one capture with several flow tables, one per worker thread. Each
// tracked TCP segment goes, by a hash of its connection (the same for both
// directions), to one worker, which reassembles, parses TLS and runs its
// `stage` (judging, rendering) on each connection it finishes. A capture in
// memory (a mapped file) is read by all the workers, a chunk each at a time
// (chunked_capture.h); a stream (stdin, gzip) by the calling thread, which
// deals the segments in batches (bounded queues). The sink receives the
// stages' outputs in the order one flow table reports connections, so what
// it writes does not depend on the number of threads — as long as no
// connection is evicted at the tracking cap, which each worker applies to its
// share (max_connections / threads).
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "wire/capture.h"

namespace tc::wire {

// What a worker's stage makes of one connection; opaque to the reader.
class WorkerOutput {
 public:
  virtual ~WorkerOutput() = default;
};

// Runs on a worker thread; each worker has its own stage, so a stage's state
// (caches) needs no lock.
using WorkerStage = std::function<std::unique_ptr<WorkerOutput>(Connection&&)>;
// Runs in report order on the worker threads, one at a time (so it needs no
// lock of its own). The output stays the worker's: it is destroyed on the
// thread that made it, where its memory came from.
using OutputSink = std::function<void(WorkerOutput&)>;

// One worker per stage (at least one). Diagnostics and the return value as
// for read_capture; an exception in a stage or the sink stops every thread
// and is rethrown here.
[[nodiscard]] bool read_capture_parallel(std::string_view path_or_dash, const CaptureOptions& options,
                                         std::span<const WorkerStage> stages, const OutputSink& deliver,
                                         CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics);

// The same for a capture held in memory (tests).
[[nodiscard]] bool read_capture_bytes_parallel(std::span<const uint8_t> bytes, std::string_view name,
                                               const CaptureOptions& options, std::span<const WorkerStage> stages,
                                               const OutputSink& deliver, CaptureStats& stats,
                                               std::vector<CaptureDiagnostic>& diagnostics);

// Adds one reader's or worker's counts to a total.
void add_stats(CaptureStats& total, const CaptureStats& part);

}  // namespace tc::wire
