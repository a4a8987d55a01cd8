#include "wire/worker_lanes.h"

#include <algorithm>

namespace tc::wire {
namespace {
constexpr size_t kOutputsPerPut = 16;
}  // namespace

WorkerLanes::WorkerLanes(const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& sink)
    : stages_(stages),
      sink_(sink),
      worker_options_(options),
      stats_(stages.size()),
      merge_(stages.size(), [this](Owned& owned, size_t by_worker) { hand_on(owned, by_worker); }) {
  for (size_t i = 0; i < stages.size(); ++i) spent_.push_back(std::make_unique<Spent>());
  // Each table tracks its share of the cap, so the threads together track what one would.
  worker_options_.progress = nullptr;
  worker_options_.max_connections =
      std::max<size_t>(1, (options.max_connections + stages.size() - 1) / stages.size());
}

void WorkerLanes::hand_on(Owned& owned, size_t by_worker) {
  if (owned.second) sink_(*owned.second);
  if (owned.first == by_worker) {
    owned.second.reset();
    return;
  }
  // Freed on the thread that made it, where its memory came from (freeing
  // it here cost more than handing it on).
  std::lock_guard lock(spent_[owned.first]->mutex);
  spent_[owned.first]->outputs.push_back(std::move(owned.second));
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
            finished_.emplace_back(order, Owned{worker_, lanes_.stages_[worker_](std::move(connection))});
            if (finished_.size() >= kOutputsPerPut) {
              // Made while reading frame_ (or after the last): the frames before it are read.
              lanes_.merge_.put(worker_, finished_, frame_ > 0 ? frame_ - 1 : 0);
            }
          },
          lanes.stats_[worker]) {}

void WorkerLanes::Lane::advance(uint64_t through) {
  lanes_.merge_.put(worker_, finished_, through);
  free_spent();
}

void WorkerLanes::Lane::free_spent() {
  {
    std::lock_guard lock(lanes_.spent_[worker_]->mutex);
    if (lanes_.spent_[worker_]->outputs.empty()) return;
    spent_.swap(lanes_.spent_[worker_]->outputs);
  }
  spent_.clear();  // freed here, outside the lock
}

void WorkerLanes::Lane::finish() {
  table_.finish_all();
  lanes_.merge_.put(worker_, finished_, ReportOrder::kEndOfCapture);  // closes the lane
  free_spent();
}

}  // namespace tc::wire
