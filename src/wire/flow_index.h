#pragma once
// Finds a tracked flow by its key: an open-addressing hash table (linear
// probing, backward-shift deletion, so no deleted markers pile up) of
// {hash, pointer} pairs. Replaces std::unordered_map, whose node per entry
// and bucket chains cost a cache miss or two on every segment. The flows
// themselves live elsewhere (FlowTable's pool); an entry only points at one.
// `Flow` needs a `key` (FlowKey) member.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wire/flow_key.h"

namespace tc::wire {

template <typename Flow>
class FlowIndex {
 public:
  FlowIndex() : slots_(kInitialCapacity) {}

  [[nodiscard]] Flow* find(const FlowKey& key, uint64_t hash) const {
    for (size_t i = hash & mask(); slots_[i].flow != nullptr; i = (i + 1) & mask()) {
      if (slots_[i].hash == hash && slots_[i].flow->key == key) return slots_[i].flow;
    }
    return nullptr;
  }

  // `flow` (whose key is not in the index yet) under `hash`.
  void insert(Flow* flow, uint64_t hash) {
    // At most half full: probe sequences stay short.
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place({hash, flow});
    ++size_;
  }

  // Removes `flow`, which was inserted under `hash`.
  void erase(const Flow* flow, uint64_t hash) {
    size_t hole = hash & mask();
    while (slots_[hole].flow != flow) hole = (hole + 1) & mask();
    // Backward shift: move later entries of the probe run into the hole when
    // that keeps them reachable from their home slot.
    for (size_t next = (hole + 1) & mask(); slots_[next].flow != nullptr; next = (next + 1) & mask()) {
      const size_t home = slots_[next].hash & mask();
      if (((next - home) & mask()) >= ((next - hole) & mask())) {
        slots_[hole] = slots_[next];
        hole = next;
      }
    }
    slots_[hole] = {};
    --size_;
  }

  [[nodiscard]] size_t size() const { return size_; }

 private:
  static constexpr size_t kInitialCapacity = 1024;  // a power of two

  struct Slot {
    uint64_t hash = 0;
    Flow* flow = nullptr;  // null: empty
  };

  size_t mask() const { return slots_.size() - 1; }

  void place(Slot slot) {
    size_t i = slot.hash & mask();
    while (slots_[i].flow != nullptr) i = (i + 1) & mask();
    slots_[i] = slot;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.flow != nullptr) place(slot);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace tc::wire
