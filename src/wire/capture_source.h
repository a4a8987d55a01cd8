#pragma once
// Where capture bytes come from (file descriptor, memory, gzip on top of
// either) and a block-buffered reader over them, so files of any size are
// read in large blocks without ever being loaded whole.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tc::wire {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into `out`: > 0 bytes read, 0 at the end, < 0 on error (see error()).
  virtual long read(uint8_t* out, size_t size) = 0;
  virtual std::string error() const { return {}; }
};

// Opens a file, or stdin for "-". Null with `error` set when it cannot be opened.
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
  [[nodiscard]] bool ensure(size_t n);
  [[nodiscard]] const uint8_t* data() const { return buffer_.data() + begin_; }
  [[nodiscard]] size_t available() const { return end_ - begin_; }
  void consume(size_t n) {
    begin_ += n;
    offset_ += n;
  }
  // Offset in the (decompressed) input of data()[0].
  [[nodiscard]] uint64_t offset() const { return offset_; }
  [[nodiscard]] const std::string& error() const { return error_; }

  // Wraps the source in gzip_source when the input starts with 1f 8b.
  void detect_gzip();

 private:
  std::unique_ptr<ByteSource> source_;
  std::vector<uint8_t> buffer_;
  size_t block_size_;
  size_t begin_ = 0;
  size_t end_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
  std::string error_;
};

}  // namespace tc::wire
