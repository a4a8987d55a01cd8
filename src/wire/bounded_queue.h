#pragma once
// A blocking first-in first-out queue with a capacity, between two threads:
// push waits while it is full, pop while it is empty, and cancel() releases
// both for good, so a failing thread never leaves another waiting. A producer
// that found the queue full sleeps until half of it has been taken, and a
// thread is only signalled when it is waiting: the threads take turns in runs
// of items instead of waking each other for every one.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace tc::wire {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // False (and `value` dropped) when cancelled.
  bool push(T value) {
    std::unique_lock lock(mutex_);
    if (!cancelled_ && items_.size() >= capacity_) {
      ++waiting_producers_;
      not_full_.wait(lock, [&] { return cancelled_ || items_.size() <= low_water(); });
      --waiting_producers_;
    }
    if (cancelled_) return false;
    items_.push_back(std::move(value));
    if (waiting_consumers_ > 0) not_empty_.notify_one();
    return true;
  }

  // Nothing when cancelled.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    if (!cancelled_ && items_.empty()) {
      ++waiting_consumers_;
      not_empty_.wait(lock, [&] { return cancelled_ || !items_.empty(); });
      --waiting_consumers_;
    }
    if (cancelled_) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    if (waiting_producers_ > 0 && items_.size() <= low_water()) not_full_.notify_all();
    return value;
  }

  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  size_t low_water() const { return capacity_ / 2; }

  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  size_t capacity_;
  size_t waiting_producers_ = 0;
  size_t waiting_consumers_ = 0;
  bool cancelled_ = false;
};

}  // namespace tc::wire
