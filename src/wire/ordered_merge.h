#pragma once
// Puts what several flow tables report (one per worker thread, each seeing a
// share of the flows) back into the order one table reports it. Each lane
// receives its table's items in ReportOrder and says how far through the
// capture its table is; an item is handed on once no lane can still report an
// earlier one. Lanes hold a bounded number of items (a full lane's worker
// waits before adding its next batch), so memory stays bounded; cancel()
// releases every wait.
//
// Why this cannot deadlock: the reader gives every lane each round of
// batches, so a lane waiting for input has advanced through every frame the
// busy lanes' queued items came from, and the earliest queued item can go.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include "wire/flow_table.h"

namespace tc::wire {

template <typename Item>
class OrderedMerge {
 public:
  OrderedMerge(size_t lanes, size_t lane_capacity) : lanes_(lanes), lane_capacity_(lane_capacity) {}

  // Worker side: a batch of the lane's items (in report order) and how far
  // its table is: it has decoded every frame up to `through` meant for it.
  // One lock and one wake-up per batch. Waits while the lane holds
  // `lane_capacity` items or more; drops the batch when cancelled.
  void push(size_t lane, std::vector<std::pair<ReportOrder, Item>>& items, uint64_t through) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return cancelled_ || lanes_[lane].items.size() < lane_capacity_; });
    if (cancelled_) {
      items.clear();
      return;
    }
    for (auto& item : items) lanes_[lane].items.push_back(std::move(item));
    items.clear();
    lanes_[lane].through = through;
    changed_.notify_one();
  }
  // The lane reports nothing more.
  void close(size_t lane) {
    std::vector<std::pair<ReportOrder, Item>> none;
    push(lane, none, ReportOrder::kEndOfCapture);
  }

  // Consumer side: appends the next items in order to `out`, waiting until at
  // least one can go. False when every lane is closed and empty, or cancelled.
  bool next(std::vector<Item>& out) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (cancelled_) return false;
      bool moved = false;
      while (Lane* lane = earliest_ready()) {
        out.push_back(std::move(lane->items.front().second));
        lane->items.pop_front();
        moved = true;
      }
      if (moved) {
        space_.notify_all();
        return true;
      }
      if (all_closed_and_empty()) return false;
      changed_.wait(lock);
    }
  }

  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    space_.notify_all();
    changed_.notify_all();
  }
  [[nodiscard]] bool cancelled() {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

 private:
  struct Lane {
    std::deque<std::pair<ReportOrder, Item>> items;
    uint64_t through = 0;
  };

  // The lane whose first item is the earliest of all, if no empty lane could
  // still report something earlier (an empty lane's next report comes from a
  // frame after `through`, or at the end of the capture).
  Lane* earliest_ready() {
    Lane* best = nullptr;
    for (Lane& lane : lanes_) {
      if (!lane.items.empty() && (!best || lane.items.front().first < best->items.front().first)) best = &lane;
    }
    if (!best) return nullptr;
    const uint64_t frame = best->items.front().first.frame;
    for (const Lane& lane : lanes_) {
      // kEndOfCapture is the largest frame: only a closed lane is past the end.
      if (lane.items.empty() && lane.through < frame) return nullptr;
    }
    return best;
  }
  bool all_closed_and_empty() const {
    for (const Lane& lane : lanes_) {
      if (!lane.items.empty() || lane.through != ReportOrder::kEndOfCapture) return false;
    }
    return true;
  }

  std::mutex mutex_;
  std::condition_variable changed_, space_;
  std::vector<Lane> lanes_;
  size_t lane_capacity_;
  bool cancelled_ = false;
};

}  // namespace tc::wire
