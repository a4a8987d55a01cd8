#include "wire/mapped_file.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace tc::wire {

std::optional<MappedFile> MappedFile::map(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size <= 0) return std::nullopt;
  const auto size = static_cast<size_t>(info.st_size);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) return std::nullopt;
  // Read front to back once: aggressive read-ahead. Only a hint.
  (void)::madvise(data, size, MADV_SEQUENTIAL);
  return MappedFile(static_cast<const uint8_t*>(data), size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      released_(std::exchange(other.released_, 0)),
      populated_(std::exchange(other.populated_, 0)),
      populate_failed_(other.populate_failed_.load()) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    released_ = std::exchange(other.released_, 0);
    populated_ = std::exchange(other.populated_, 0);
    populate_failed_ = other.populate_failed_.load();
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

namespace {
size_t page_size() {
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}
}  // namespace

void MappedFile::reading_at(uint64_t offset) {
  const size_t at = static_cast<size_t>(std::min<uint64_t>(offset, size_));
  release_before(at);
  const size_t from = std::max(populated_, at / page_size() * page_size());
  const size_t to = std::min<size_t>(size_, at + kPopulateAhead);
  if (to > from) {
    populate(from, to);
    populated_ = to;
  }
}

void MappedFile::release_before(uint64_t offset) {
  const size_t at = static_cast<size_t>(std::min<uint64_t>(offset, size_));
  const size_t release_end = at / page_size() * page_size();
  // In steps: with threads, each call interrupts every CPU running one (TLB shootdown).
  if (release_end >= released_ + kReleaseStep || (release_end > released_ && at == size_)) {
    (void)::madvise(const_cast<uint8_t*>(data_) + released_, release_end - released_, MADV_DONTNEED);
    released_ = release_end;
  }
}

void MappedFile::populate(uint64_t begin, uint64_t end) const {
#ifdef MADV_POPULATE_READ
  const size_t page = page_size();
  const size_t from = static_cast<size_t>(std::min<uint64_t>(begin, size_)) / page * page;
  const size_t to = std::min(size_, static_cast<size_t>(std::min<uint64_t>(end, size_) + page - 1) / page * page);
  if (populate_failed_.load(std::memory_order_relaxed) || to <= from) return;
  if (::madvise(const_cast<uint8_t*>(data_) + from, to - from, MADV_POPULATE_READ) != 0) populate_failed_ = true;
#else
  (void)begin;
  (void)end;
#endif
}

}  // namespace tc::wire
