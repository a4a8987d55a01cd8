#pragma once
// An intrusive doubly linked list in least-recently-used order: the links
// live in the elements (`lru_prev`, `lru_next`), so moving an element to the
// back or removing it touches no allocator. The list does not own its elements.
#include <cstddef>

namespace tc::wire {

template <typename T>
class LruList {
 public:
  [[nodiscard]] bool empty() const { return head_ == nullptr; }
  [[nodiscard]] size_t size() const { return size_; }
  // The least recently used element (null when empty).
  [[nodiscard]] T* front() const { return head_; }

  void push_back(T* element) {
    element->lru_prev = tail_;
    element->lru_next = nullptr;
    (tail_ ? tail_->lru_next : head_) = element;
    tail_ = element;
    ++size_;
  }

  void remove(T* element) {
    (element->lru_prev ? element->lru_prev->lru_next : head_) = element->lru_next;
    (element->lru_next ? element->lru_next->lru_prev : tail_) = element->lru_prev;
    element->lru_prev = element->lru_next = nullptr;
    --size_;
  }

  // Marks `element` (in the list) as the most recently used.
  void move_to_back(T* element) {
    if (element == tail_) return;
    remove(element);
    push_back(element);
  }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tc::wire
