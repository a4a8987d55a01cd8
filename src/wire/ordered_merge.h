#pragma once
// Puts what several flow tables report (one per worker thread, each seeing a
// share of the flows) back into the order one table reports it, and hands
// each item on in that order — on whichever worker thread finds it ready, so
// no thread waits to consume. Each lane receives its table's items in
// ReportOrder and says how far through the capture its table is; an item is
// ready once no lane can still report an earlier one. Items are handed on
// soon after they are made, while their memory is still hot and before many
// pile up (holding hundreds per thread and freeing them in bulk made malloc
// the largest cost of reading with threads).
//
// One thread hands on at a time; the others leave their items and go on
// (the one handing on takes them too). Nothing here waits, so nothing can
// deadlock; a lane ahead of the others holds its items until they catch up,
// which the readers bound (a window of chunks, bounded queues).
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "wire/flow_table.h"

namespace tc::wire {

template <typename Item>
class OrderedMerge {
 public:
  // `hand_on(item, lane)`: `lane` is the lane whose thread is handing on.
  using HandOn = std::function<void(Item&, size_t lane)>;
  OrderedMerge(size_t lanes, HandOn hand_on) : lanes_(lanes), hand_on_(std::move(hand_on)) {}

  // Items of `lane`'s table, in its report order (one lock for all; `items`
  // is left empty), and how far it is: every frame up to `through` meant for
  // it has been read (an item made while reading frame f comes with f - 1).
  // With no items, only the progress; kEndOfCapture closes the lane.
  void put(size_t lane, std::vector<std::pair<ReportOrder, Item>>& items, uint64_t through) {
    std::unique_lock lock(mutex_);
    if (!cancelled_) {
      for (auto& item : items) lanes_[lane].items.push_back(std::move(item));
      lanes_[lane].through = through;
    }
    items.clear();
    if (!cancelled_) hand_on_ready(lock, lane);
  }

  // Later items are dropped (a thread failed).
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  // Every lane is closed and every item handed on.
  [[nodiscard]] bool drained() {
    std::lock_guard lock(mutex_);
    for (const Lane& lane : lanes_) {
      if (!lane.items.empty() || lane.through != ReportOrder::kEndOfCapture) return false;
    }
    return true;
  }

 private:
  struct Lane {
    std::deque<std::pair<ReportOrder, Item>> items;
    uint64_t through = 0;
  };

  // With the lock. Unless another thread is at it, takes the ready items in
  // order and hands them on without the lock, until none is ready.
  void hand_on_ready(std::unique_lock<std::mutex>& lock, size_t by_lane) {
    if (handing_on_) return;  // that thread will see these items too
    // Lane 0's thread hands on while it runs, so the sink's state stays in
    // one core's cache; another lane's thread steps in for a backlog.
    if (by_lane != 0 && lanes_[0].through != ReportOrder::kEndOfCapture &&
        lanes_[by_lane].items.size() < kBacklog) {
      return;
    }
    handing_on_ = true;
    for (;;) {
      while (Lane* lane = earliest_ready()) {
        ready_.push_back(std::move(lane->items.front().second));
        lane->items.pop_front();
      }
      if (ready_.empty() || cancelled_) break;
      std::vector<Item> batch;
      batch.swap(ready_);
      lock.unlock();
      try {
        for (Item& item : batch) hand_on_(item, by_lane);
      } catch (...) {
        lock.lock();
        handing_on_ = false;
        throw;
      }
      batch.clear();
      lock.lock();
      if (ready_.capacity() == 0) ready_.swap(batch);  // keep the memory
    }
    ready_.clear();
    handing_on_ = false;
  }

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

  static constexpr size_t kBacklog = 64;

  std::mutex mutex_;
  std::vector<Lane> lanes_;
  HandOn hand_on_;
  std::vector<Item> ready_;
  bool handing_on_ = false;
  bool cancelled_ = false;
};

}  // namespace tc::wire
