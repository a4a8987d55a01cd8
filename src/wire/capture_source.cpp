#include "wire/capture_source.h"

#include "wire/mapped_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tc::wire {
namespace {

class FdSource final : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  long read(uint8_t* out, size_t size) override {
    for (;;) {
      const ssize_t n = ::read(fd_, out, size);
      if (n >= 0) return static_cast<long>(n);
      if (errno == EINTR) continue;
      error_ = std::strerror(errno);
      return -1;
    }
  }
  std::string error() const override { return error_; }

 private:
  int fd_;
  bool owned_;
  std::string error_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  long read(uint8_t* out, size_t size) override {
    const size_t n = std::min(size, bytes_.size());
    if (n > 0) std::memcpy(out, bytes_.data(), n);
    bytes_ = bytes_.subspan(n);
    return static_cast<long>(n);
  }
  bool in_memory(std::span<const uint8_t>& bytes) const override {
    bytes = bytes_;
    return true;
  }

 private:
  std::span<const uint8_t> bytes_;
};

// A mapped regular file: read in place, or through read() (under gzip), which
// tells the mapping where it is as in-place reading does.
class MappedSource final : public MemorySource {
 public:
  explicit MappedSource(MappedFile file) : MemorySource(file.bytes()), file_(std::move(file)) {}
  long read(uint8_t* out, size_t size) override {
    const long n = MemorySource::read(out, size);
    read_ += static_cast<uint64_t>(n);
    file_.reading_at(read_);
    return n;
  }
  void reading_at(uint64_t offset) override { file_.reading_at(offset); }
  void release_before(uint64_t offset) override { file_.release_before(offset); }
  void populate(uint64_t begin, uint64_t end) override { file_.populate(begin, end); }

 private:
  MappedFile file_;
  uint64_t read_ = 0;
};

class GzipSource final : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> inner, std::vector<uint8_t> prefix)
      : inner_(std::move(inner)), input_(std::move(prefix)) {
    input_.reserve(1 << 16);
    stream_.next_in = input_.data();
    stream_.avail_in = static_cast<uInt>(input_.size());
    // 15 + 32: the largest window, gzip or zlib header detected automatically.
    ok_ = inflateInit2(&stream_, 15 + 32) == Z_OK;
    if (!ok_) error_ = "cannot initialise zlib";
  }
  ~GzipSource() override {
    if (ok_) inflateEnd(&stream_);
  }
  long read(uint8_t* out, size_t size) override {
    if (!ok_) return -1;
    size = std::min<size_t>(size, 1u << 30);
    stream_.next_out = out;
    stream_.avail_out = static_cast<uInt>(size);
    while (stream_.avail_out > 0) {
      if (stream_.avail_in == 0 && !refill()) {
        if (inside_member_ && error_.empty()) error_ = "gzip data ends early";
        break;
      }
      const int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        // Another gzip member may follow (concatenated .gz files).
        inside_member_ = false;
        inflateReset(&stream_);
        continue;
      }
      if (status != Z_OK && status != Z_BUF_ERROR) {
        error_ = std::string("gzip data is corrupt: ") + (stream_.msg ? stream_.msg : "inflate failed");
        ok_ = false;
        break;
      }
      inside_member_ = true;
    }
    const size_t produced = size - stream_.avail_out;
    if (produced == 0 && !error_.empty()) return -1;
    return static_cast<long>(produced);
  }
  std::string error() const override { return error_; }

 private:
  bool refill() {
    input_.resize(1 << 16);
    const long n = inner_->read(input_.data(), input_.size());
    if (n <= 0) {
      if (n < 0) error_ = inner_->error();
      input_.clear();
      stream_.avail_in = 0;
      return false;
    }
    stream_.next_in = input_.data();
    stream_.avail_in = static_cast<uInt>(n);
    return true;
  }

  std::unique_ptr<ByteSource> inner_;
  std::vector<uint8_t> input_;
  z_stream stream_{};
  bool ok_ = false;
  bool inside_member_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path, std::string& error) {
  if (path == "-") return std::make_unique<FdSource>(0, false);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  if (std::optional<MappedFile> file = MappedFile::map(fd)) {
    ::close(fd);  // the mapping stands on its own
    return std::make_unique<MappedSource>(std::move(*file));
  }
  return std::make_unique<FdSource>(fd, true);
}

std::unique_ptr<ByteSource> memory_source(std::span<const uint8_t> bytes) {
  return std::make_unique<MemorySource>(bytes);
}

std::unique_ptr<ByteSource> gzip_source(std::unique_ptr<ByteSource> inner, std::vector<uint8_t> prefix) {
  return std::make_unique<GzipSource>(std::move(inner), std::move(prefix));
}

BufferedReader::BufferedReader(std::unique_ptr<ByteSource> source, size_t block_size)
    : source_(std::move(source)), block_size_(block_size) {
  std::span<const uint8_t> bytes;
  if (source_->in_memory(bytes)) {
    in_memory_ = true;
    base_ = bytes.data();
    end_ = bytes.size();
    eof_ = true;
    notice_position();
    return;
  }
  buffer_.resize(block_size_);
  base_ = buffer_.data();
}

bool BufferedReader::fill(size_t n) {
  if (eof_) return false;
  // Move what is left to the front, grow when one record needs more than a block.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, available());
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() < n) {
    buffer_.resize(std::max(n, buffer_.size() * 2));
    base_ = buffer_.data();
  }
  while (end_ < n) {
    const long got = source_->read(buffer_.data() + end_, buffer_.size() - end_);
    if (got <= 0) {
      if (got < 0) error_ = source_->error();
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(got);
  }
  return true;
}

void BufferedReader::detect_gzip() {
  if (!ensure(2) || !starts_as_gzip({data(), available()})) return;
  if (in_memory_) {
    // Nothing was read() from the source yet: it inflates from its start. The
    // decompressed bytes need a buffer.
    source_ = gzip_source(std::move(source_), {});
    in_memory_ = false;
    buffer_.resize(block_size_);
    base_ = buffer_.data();
  } else {
    std::vector<uint8_t> prefix(data(), data() + available());
    source_ = gzip_source(std::move(source_), std::move(prefix));
  }
  begin_ = end_ = 0;
  eof_ = false;
}

}  // namespace tc::wire
