#pragma once
// A regular file mapped read-only into memory (MAP_PRIVATE), unmapped when
// the object goes. Reading a capture from the mapping skips the kernel's copy
// into a read() buffer (~20% of the decoder's time on a cached file).
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
  // Drops the pages wholly before `offset` from this process's memory (they
  // stay in the page cache and fault back in if read again), so reading a
  // large file does not grow the resident set with it.
  void release_before(uint64_t offset);

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;  // page-aligned: bytes before this were dropped already
};

}  // namespace tc::wire
