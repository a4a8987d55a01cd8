#pragma once
// What the parallel readers share downstream of reading: each worker thread
// has a flow table of its own (a share of the connections and of the tracking
// cap) and a stage run on each connection it finishes; the stages' outputs go
// to the sink in the order one flow table would report them, handed on by
// the worker threads themselves (ordered_merge.h), one at a time.
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
  // Outputs another thread handed on, waiting for their worker to free them.
  struct Spent {
    std::mutex mutex;
    std::vector<std::unique_ptr<WorkerOutput>> outputs;
  };

 public:
  // `sink` runs on the worker threads, one at a time, in report order.
  WorkerLanes(const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& sink);

  [[nodiscard]] size_t size() const { return stages_.size(); }
  // Drops every output not handed on yet (a thread failed).
  void cancel() { merge_.cancel(); }
  // Counts of every lane's table, after the threads are joined.
  void add_stats_to(CaptureStats& total) const;

  // One per worker, made and used on its thread.
  class Lane {
   public:
    Lane(WorkerLanes& lanes, size_t worker);
    void segment(const IpPacket& ip, const TcpSegment& tcp, uint64_t frame, double timestamp) {
      frame_ = frame;
      table_.on_segment(ip, tcp, frame, timestamp);
    }
    void segment(const FlowKey& key, uint64_t hash, int sender, const TcpSegment& tcp, uint64_t frame,
                 double timestamp) {
      frame_ = frame;
      table_.on_segment(key, hash, sender, tcp, frame, timestamp);
    }
    // Every frame up to `through` meant for this lane has been given.
    void advance(uint64_t through);
    // End of capture: reports what is still open and closes the lane.
    void finish();

   private:
    void on_finished(Connection&& connection, const ReportOrder& order);
    // Whether the stages may run; once they may, the held connections go
    // through them first. `wait`: block until they may.
    bool stages_ready(bool wait);
    // Runs this worker's stage on a connection; its output joins finished_.
    void stage(Connection&& connection, const ReportOrder& order);
    // Hands the finished outputs to the merge with the lane's progress, never
    // past a held connection.
    void put(uint64_t through);
    void free_spent();

    WorkerLanes& lanes_;
    size_t worker_;
    uint64_t frame_ = 0;  // the last frame given
    // Outputs not in the merge yet: a few at a time, one lock each time
    // (a lock per connection made the threads wait on each other).
    std::vector<std::pair<ReportOrder, Owned>> finished_;
    std::vector<std::pair<ReportOrder, Connection>> held_;  // while the stages are not ready
    size_t held_bytes_ = 0;
    bool stages_ready_ = false;
    std::vector<std::unique_ptr<WorkerOutput>> spent_;
    FlowTable table_;
  };

 private:
  void hand_on(Owned& owned, size_t by_worker);

  std::span<const WorkerStage> stages_;
  const OutputSink& sink_;
  CaptureOptions worker_options_;
  std::vector<std::unique_ptr<Spent>> spent_;
  std::vector<CaptureStats> stats_;
  OrderedMerge<Owned> merge_;
};

}  // namespace tc::wire
