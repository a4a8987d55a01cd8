#pragma once
// What the parallel readers share downstream of reading: each worker thread
// has a flow table of its own (a share of the connections and of the tracking
// cap) and a stage run on each connection it finishes; the stages' outputs go
// back to the calling thread in the order one flow table would report them.
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "wire/flow_table.h"
#include "wire/ordered_merge.h"
#include "wire/parallel_capture.h"

namespace tc::wire {

class WorkerLanes {
  // An output and the worker whose thread made it (and frees it).
  using Owned = std::pair<size_t, std::unique_ptr<WorkerOutput>>;
  // Outputs the calling thread is done with, waiting for their worker to free them.
  struct Spent {
    std::mutex mutex;
    std::vector<std::unique_ptr<WorkerOutput>> outputs;
  };

 public:
  WorkerLanes(const CaptureOptions& options, std::span<const WorkerStage> stages);

  [[nodiscard]] size_t size() const { return stages_.size(); }
  // Calling thread: hands the outputs on in report order until every lane is
  // closed; false when cancelled.
  void deliver(const OutputSink& sink);
  // Releases every thread waiting on the merge.
  void cancel() { merge_.cancel(); }
  // Counts of every lane's table, after the threads are joined.
  void add_stats_to(CaptureStats& total) const;

  // One per worker, made and used on its thread.
  class Lane {
   public:
    Lane(WorkerLanes& lanes, size_t worker);
    void segment(const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp) {
      table_.on_segment(ip, tcp, frame, timestamp);
    }
    // Every frame up to `through` meant for this lane has been given: the
    // connections finished so far go to the merge (waits while the lane is full).
    void advance(uint64_t through);
    // End of capture: reports what is still open and closes the lane.
    void finish();

   private:
    WorkerLanes& lanes_;
    size_t worker_;
    std::vector<std::pair<ReportOrder, Owned>> outputs_;
    std::vector<std::unique_ptr<WorkerOutput>> spent_;
    uint64_t through_ = 0;
    bool ending_ = false;
    FlowTable table_;
  };

 private:
  std::span<const WorkerStage> stages_;
  CaptureOptions worker_options_;
  OrderedMerge<Owned> merge_;
  std::vector<std::unique_ptr<Spent>> spent_;
  std::vector<CaptureStats> stats_;
};

}  // namespace tc::wire
