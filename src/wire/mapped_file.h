#pragma once
// A regular file mapped read-only into memory (MAP_PRIVATE), unmapped when
// the object goes. Reading a capture from the mapping skips the kernel's copy
// into a read() buffer (~20% of the decoder's time on a cached file).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tc::wire {

class MappedFile {
 public:
  // Maps the whole of `fd` (which the mapping does not need afterwards), or
  // nothing: not a regular file, empty, or mmap failed (callers then read()).
  static std::optional<MappedFile> map(int fd);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  [[nodiscard]] std::span<const uint8_t> bytes() const { return {data_, size_}; }
  // A reader going front to back is at `offset`. The pages before it are
  // dropped from this process's memory in steps of kReleaseStep (they stay
  // in the page cache, and read again they fault back in with the same
  // bytes), so the resident set does not grow with the file; the next
  // kPopulateAhead bytes are mapped in one call, not one page fault per 64
  // KiB, so prefetches of them are not dropped either.
  void reading_at(uint64_t offset);
  // For readers of several ranges at once (threads reading chunks): drops
  // the pages before `offset` (in steps of kReleaseStep, as above; one
  // thread at a time), and maps [begin, end) in one call (any thread).
  void release_before(uint64_t offset);
  void populate(uint64_t begin, uint64_t end) const;

  static constexpr size_t kReleaseStep = 4 << 20;
  static constexpr size_t kPopulateAhead = 2 << 20;

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;   // page-aligned: bytes before this were dropped already
  size_t populated_ = 0;  // page-aligned: bytes before this were mapped already
  // MADV_POPULATE_READ unsupported (before Linux 5.14): faults as usual.
  mutable std::atomic<bool> populate_failed_{false};
};

}  // namespace tc::wire
