#pragma once
// Where capture bytes come from (a mapped file, a file descriptor, memory,
// gzip on top of any) and a reader over them: bytes already in memory (a
// mapped file, a buffer) are read in place; the others (stdin, pipes, gzip)
// in large blocks, so files of any size are never loaded whole.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tc::wire {

// True when `bytes` start with gzip's magic (1f 8b).
inline bool starts_as_gzip(std::span<const uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into `out`: > 0 bytes read, 0 at the end, < 0 on error (see error()).
  virtual long read(uint8_t* out, size_t size) = 0;
  virtual std::string error() const { return {}; }
  // True when every byte not read yet is in memory already: `bytes` then
  // views them, valid while the source lives, and no read() is needed.
  virtual bool in_memory(std::span<const uint8_t>& bytes) const {
    (void)bytes;
    return false;
  }
  // An in-memory source is read at `offset`, front to back: the bytes before
  // it will not be read again, those after it soon.
  virtual void reading_at(uint64_t offset) { (void)offset; }
  // An in-memory source read by several threads, each in its own range: the
  // bytes before `offset` will not be read again; [begin, end) soon.
  virtual void release_before(uint64_t offset) { (void)offset; }
  virtual void populate(uint64_t begin, uint64_t end) {
    (void)begin;
    (void)end;
  }
};

// Opens a file (mapped when it is a regular, non-empty file that mmap takes;
// read() otherwise), or stdin for "-". Null with `error` set when it cannot
// be opened.
std::unique_ptr<ByteSource> open_file_source(const std::string& path, std::string& error);
std::unique_ptr<ByteSource> memory_source(std::span<const uint8_t> bytes);
// Inflates gzip (any number of members) from `inner`; `prefix` holds bytes
// already read from `inner` (the peeked magic).
std::unique_ptr<ByteSource> gzip_source(std::unique_ptr<ByteSource> inner, std::vector<uint8_t> prefix);

class BufferedReader {
 public:
  explicit BufferedReader(std::unique_ptr<ByteSource> source, size_t block_size = 1 << 20);

  // Makes at least `n` bytes available at data(); false when the input ends
  // (or fails) first — available() then says how many there are.
  [[nodiscard]] bool ensure(size_t n) { return available() >= n || (!in_memory_ && fill(n)); }
  [[nodiscard]] const uint8_t* data() const { return base_ + begin_; }
  [[nodiscard]] size_t available() const { return end_ - begin_; }
  void consume(size_t n) {
    begin_ += n;
    offset_ += n;
    if (in_memory_) {
      // Read in place, the bytes come from the page cache, not from a buffer
      // read() just filled: ask for every cache line up to kPrefetchDistance
      // ahead (readers touch only headers, a pattern the hardware prefetcher
      // follows badly, and it stops at page boundaries).
      const size_t ahead = std::min(begin_ + kPrefetchDistance, end_);
      for (prefetched_ = std::max(prefetched_, begin_); prefetched_ < ahead; prefetched_ += kCacheLine) {
        __builtin_prefetch(base_ + prefetched_);
      }
      if (begin_ >= next_notice_) notice_position();
    }
  }
  // Offsets count from here (a reader started inside a file's bytes).
  void count_from(uint64_t offset) { offset_ = offset; }
  // Offset in the (decompressed) input of data()[0].
  [[nodiscard]] uint64_t offset() const { return offset_; }
  [[nodiscard]] const std::string& error() const { return error_; }

  // Wraps the source in gzip_source when the input starts with 1f 8b.
  void detect_gzip();

  // True when data() points into the source's own memory (a mapped file):
  // the bytes stay valid after consume(), while the source lives.
  [[nodiscard]] bool in_place() const { return in_memory_; }

 private:
  bool fill(size_t n);
  // Tells an in-memory source where reading is (every kNoticeStep bytes):
  // consumed bytes are never looked at again (a packet is a view valid until
  // the next one), so a mapped file may drop them and map what comes next.
  void notice_position() {
    source_->reading_at(begin_);
    next_notice_ = begin_ + kNoticeStep;
  }

  static constexpr size_t kPrefetchDistance = 4096;
  static constexpr size_t kCacheLine = 64;
  static constexpr size_t kNoticeStep = 1 << 20;

  std::unique_ptr<ByteSource> source_;
  bool in_memory_ = false;
  const uint8_t* base_ = nullptr;  // the buffer, or the source's memory
  std::vector<uint8_t> buffer_;
  size_t block_size_;
  size_t begin_ = 0;
  size_t end_ = 0;
  size_t next_notice_ = 0;  // in place: where to call notice_position() next
  size_t prefetched_ = 0;   // in place: bytes before this were prefetched
  uint64_t offset_ = 0;
  bool eof_ = false;
  std::string error_;
};

}  // namespace tc::wire
