#include "wire/worker_lanes.h"

#include <algorithm>

namespace tc::wire {
namespace {
// Per worker: its outputs waiting for the merge. With the readers' own
// limits this bounds the memory in flight.
constexpr size_t kQueuedOutputs = 256;
}  // namespace

WorkerLanes::WorkerLanes(const CaptureOptions& options, std::span<const WorkerStage> stages)
    : stages_(stages), worker_options_(options), merge_(stages.size(), kQueuedOutputs), stats_(stages.size()) {
  for (size_t i = 0; i < stages.size(); ++i) spent_.push_back(std::make_unique<Spent>());
  // Each table tracks its share of the cap, so the threads together track what one would.
  worker_options_.progress = nullptr;
  worker_options_.max_connections =
      std::max<size_t>(1, (options.max_connections + stages.size() - 1) / stages.size());
}

void WorkerLanes::deliver(const OutputSink& sink) {
  std::vector<Owned> ready;
  while (merge_.next(ready)) {
    for (Owned& owned : ready) {
      if (owned.second) sink(*owned.second);
    }
    // Freed on the worker's thread, where its memory came from (freeing it
    // here cost more than the merge itself).
    for (Owned& owned : ready) {
      std::lock_guard lock(spent_[owned.first]->mutex);
      spent_[owned.first]->outputs.push_back(std::move(owned.second));
    }
    ready.clear();
  }
}

void WorkerLanes::add_stats_to(CaptureStats& total) const {
  for (const CaptureStats& part : stats_) add_stats(total, part);
}

WorkerLanes::Lane::Lane(WorkerLanes& lanes, size_t worker)
    : lanes_(lanes),
      worker_(worker),
      table_(
          lanes.worker_options_,
          [this](Connection&& connection, const ReportOrder& order) {
            outputs_.emplace_back(order, Owned{worker_, lanes_.stages_[worker_](std::move(connection))});
            // The end of a capture reports every open connection at once: hand them on in slices.
            if (ending_ && outputs_.size() >= kQueuedOutputs) lanes_.merge_.push(worker_, outputs_, through_);
          },
          lanes.stats_[worker]) {}

void WorkerLanes::Lane::advance(uint64_t through) {
  through_ = through;
  lanes_.merge_.push(worker_, outputs_, through);
  {
    std::lock_guard lock(lanes_.spent_[worker_]->mutex);
    spent_.swap(lanes_.spent_[worker_]->outputs);
  }
  spent_.clear();  // freed here, outside the lock
}

void WorkerLanes::Lane::finish() {
  ending_ = true;
  table_.finish_all();
  lanes_.merge_.push(worker_, outputs_, ReportOrder::kEndOfCapture);  // closes the lane
}

}  // namespace tc::wire
