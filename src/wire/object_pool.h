#pragma once
// Objects of one type carved from chunks, with freed slots reused: one
// allocation per chunk instead of one (or two, with a container's node) per
// object. Addresses stay stable while an object lives. Every object made must
// be released before the pool goes (the owner knows which ones live).
#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace tc::wire {

template <typename T, size_t kChunkObjects = 256>
class ObjectPool {
 public:
  ObjectPool() = default;
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  template <typename... Args>
  T* make(Args&&... args) {
    if (free_.empty()) add_chunk();
    void* slot = free_.back();
    T* object = new (slot) T(std::forward<Args>(args)...);  // may throw: the slot stays free
    free_.pop_back();
    return object;
  }

  void release(T* object) {
    object->~T();
    free_.push_back(object);
  }

 private:
  struct alignas(T) Slot {
    std::byte bytes[sizeof(T)];
  };

  void add_chunk() {
    chunks_.push_back(std::make_unique<Slot[]>(kChunkObjects));
    Slot* chunk = chunks_.back().get();
    free_.reserve(free_.size() + kChunkObjects);
    // Reversed, so objects are handed out in address order.
    for (size_t i = kChunkObjects; i-- > 0;) free_.push_back(&chunk[i]);
  }

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::vector<void*> free_;
};

}  // namespace tc::wire
