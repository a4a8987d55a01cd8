#include "wire/worker_lanes.h"

#include <algorithm>
#include <chrono>
#include <future>

namespace tc::wire {
namespace {
constexpr size_t kOutputsPerPut = 16;

// What a held connection costs: its certificates and CA names, and the rest
// counted as a kilobyte.
size_t held_size(const Connection& connection) {
  size_t bytes = 1024;
  for (const auto* ders : {&connection.server_chain_der, &connection.client_chain_der,
                           &connection.certificate_request_ca_names_der}) {
    for (const Bytes& der : *ders) bytes += der.size();
  }
  return bytes;
}
}  // namespace

WorkerLanes::WorkerLanes(const CaptureOptions& options, std::span<const WorkerStage> stages, const OutputSink& sink)
    : stages_(stages),
      sink_(sink),
      worker_options_(options),
      stats_(stages.size()),
      merge_(stages.size(), [this](Owned& owned, size_t by_worker) { hand_on(owned, by_worker); }) {
  for (size_t i = 0; i < stages.size(); ++i) spent_.push_back(std::make_unique<Spent>());
  // Each lane has its share of the caps (tracked connections, held bytes), so
  // the threads together keep what one would.
  worker_options_.progress = nullptr;
  worker_options_.max_connections =
      std::max<size_t>(1, (options.max_connections + stages.size() - 1) / stages.size());
  worker_options_.max_held_bytes = std::max<size_t>(1, options.max_held_bytes / stages.size());
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
          [this](Connection&& connection, const ReportOrder& order) { on_finished(std::move(connection), order); },
          lanes.stats_[worker]) {}

void WorkerLanes::Lane::on_finished(Connection&& connection, const ReportOrder& order) {
  if (!stages_ready(false)) {
    held_bytes_ += held_size(connection);
    held_.emplace_back(order, std::move(connection));
    if (held_bytes_ < lanes_.worker_options_.max_held_bytes) return;
    stages_ready(true);  // held enough: wait, then let them through
    return;
  }
  stage(std::move(connection), order);
  // Made while reading frame_ (or after the last): the frames before it are read.
  if (finished_.size() >= kOutputsPerPut) put(frame_ > 0 ? frame_ - 1 : 0);
}

bool WorkerLanes::Lane::stages_ready(bool wait) {
  if (stages_ready_) return true;
  const std::shared_future<void>& ready = lanes_.worker_options_.stages_ready;
  if (ready.valid()) {
    if (!wait && ready.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    ready.get();  // rethrows what preparing the stages threw
  }
  stages_ready_ = true;
  std::vector<std::pair<ReportOrder, Connection>> held;
  held.swap(held_);
  held_bytes_ = 0;
  // All of them before the next put: its progress promises there is nothing earlier to come.
  for (auto& [order, connection] : held) stage(std::move(connection), order);
  return true;
}

void WorkerLanes::Lane::stage(Connection&& connection, const ReportOrder& order) {
  finished_.emplace_back(order, Owned{worker_, lanes_.stages_[worker_](std::move(connection))});
}

void WorkerLanes::Lane::put(uint64_t through) {
  // A held connection is not in the merge yet: promise only the frames before it.
  if (!held_.empty()) {
    const uint64_t first_held = held_.front().first.frame;
    through = std::min(through, first_held > 0 ? first_held - 1 : 0);
  }
  lanes_.merge_.put(worker_, finished_, through);
}

void WorkerLanes::Lane::advance(uint64_t through) {
  stages_ready(false);
  put(through);
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
  stages_ready(true);
  lanes_.merge_.put(worker_, finished_, ReportOrder::kEndOfCapture);  // closes the lane
  free_spent();
}

}  // namespace tc::wire
