#pragma once
// A blocking first-in first-out queue with a capacity, between two threads:
// push waits while it is full, pop while it is empty, and cancel() releases
// both for good, so a failing thread never leaves another waiting.
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
    not_full_.wait(lock, [&] { return cancelled_ || items_.size() < capacity_; });
    if (cancelled_) return false;
    items_.push_back(std::move(value));
    not_empty_.notify_one();
    return true;
  }

  // Nothing when cancelled.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return cancelled_ || !items_.empty(); });
    if (cancelled_) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }

  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  size_t capacity_;
  bool cancelled_ = false;
};

}  // namespace tc::wire
