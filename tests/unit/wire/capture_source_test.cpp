// Capture files read in place through a mapping, and the read() fallback
// for what cannot be mapped; both give the same bytes and diagnostics.
#include "wire/capture_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "conversation.h"
#include "wire/capture.h"
#include "wire/ip.h"
#include "wire/mapped_file.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

class TempFile {
 public:
  explicit TempFile(const Buffer& bytes)
      : path_(std::filesystem::temp_directory_path() /
              ("trunkcheck_source_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

Buffer sample_pcap() {
  Conversation c{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  c.open();
  c.handshake();
  c.close();
  std::vector<Buffer> frames;
  for (const Buffer& p : c.packets) frames.push_back(ethernet(p));
  return pcap_file(frames);
}

Buffer read_all(BufferedReader& reader) {
  Buffer out;
  while (reader.ensure(1)) {
    const size_t n = std::min<size_t>(reader.available(), 7);  // odd steps across any block edge
    out.insert(out.end(), reader.data(), reader.data() + n);
    reader.consume(n);
  }
  return out;
}

TEST(MappedFile, MapsRegularFilesOnly) {
  const Buffer bytes = sample_pcap();
  TempFile file(bytes);
  const int fd = ::open(file.path().c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::optional<MappedFile> mapped = MappedFile::map(fd);
  ::close(fd);  // the mapping outlives the descriptor
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), mapped->bytes().begin(), mapped->bytes().end()));
  mapped->reading_at(bytes.size());  // dropped pages read back the same
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), mapped->bytes().begin(), mapped->bytes().end()));
  MappedFile moved = std::move(*mapped);
  EXPECT_EQ(moved.bytes().size(), bytes.size());
  EXPECT_TRUE(mapped->bytes().empty());

  TempFile empty(Buffer{});
  const int empty_fd = ::open(empty.path().c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_FALSE(MappedFile::map(empty_fd));
  ::close(empty_fd);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  EXPECT_FALSE(MappedFile::map(pipe_fds[0]));
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(FileSource, RegularFilesAreReadInPlaceOthersThroughReads) {
  const Buffer bytes = sample_pcap();
  TempFile file(bytes);
  std::string error;
  BufferedReader mapped(open_file_source(file.path(), error), 64);
  EXPECT_TRUE(mapped.in_place());
  EXPECT_EQ(read_all(mapped), bytes);

  // An empty file cannot be mapped: read() says it is empty.
  TempFile empty(Buffer{});
  BufferedReader fallback(open_file_source(empty.path(), error), 64);
  EXPECT_FALSE(fallback.in_place());
  EXPECT_FALSE(fallback.ensure(1));

  // A directory opens but is not a regular file: read()'s error, as before.
  BufferedReader directory(open_file_source(std::filesystem::temp_directory_path().string(), error), 64);
  EXPECT_FALSE(directory.in_place());
  EXPECT_FALSE(directory.ensure(1));
  EXPECT_FALSE(directory.error().empty());
}

TEST(FileSource, GzipFromAMappedFileIsInflatedThroughABuffer) {
  const Buffer bytes = sample_pcap();
  Buffer compressed(compressBound(bytes.size()) + 64);
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = const_cast<Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = compressed.data();
  z.avail_out = static_cast<uInt>(compressed.size());
  ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  compressed.resize(z.total_out);
  deflateEnd(&z);
  TempFile file(compressed);
  std::string error;
  BufferedReader reader(open_file_source(file.path(), error), 64);
  reader.detect_gzip();
  EXPECT_FALSE(reader.in_place());
  EXPECT_EQ(read_all(reader), bytes);
}

TEST(FileSource, TruncatedMappedFileGivesTheSameDiagnostic) {
  Buffer bytes = sample_pcap();
  bytes.resize(bytes.size() - 10);
  TempFile file(bytes);
  CaptureStats from_file_stats, from_memory_stats;
  std::vector<CaptureDiagnostic> from_file, from_memory;
  size_t file_connections = 0, memory_connections = 0;
  EXPECT_TRUE(read_capture(file.path(), {}, [&](Connection&&) { ++file_connections; }, from_file_stats, from_file));
  EXPECT_TRUE(read_capture_bytes(bytes, file.path(), {}, [&](Connection&&) { ++memory_connections; },
                                 from_memory_stats, from_memory));
  ASSERT_EQ(from_file.size(), 1u);
  ASSERT_EQ(from_memory.size(), 1u);
  EXPECT_EQ(from_file[0].message, from_memory[0].message);
  EXPECT_NE(from_file[0].message.find("truncated packet record at offset"), std::string::npos);
  EXPECT_EQ(file_connections, 1u);
  EXPECT_EQ(memory_connections, 1u);
}

}  // namespace
}  // namespace tc::wire

namespace tc::wire {
namespace {

TEST(FormatEndpoint, Ipv4ExtremesAndIpv6) {
  IpAddress v4;
  v4.bytes = {255, 255, 255, 255};
  EXPECT_EQ(format_endpoint(v4, 65535), "255.255.255.255:65535");
  v4.bytes = {0, 0, 0, 0};
  EXPECT_EQ(format_endpoint(v4, 0), "0.0.0.0:0");
  v4.bytes = {10, 200, 3, 99};
  EXPECT_EQ(format_endpoint(v4, 5061), "10.200.3.99:5061");
  IpAddress v6;
  v6.v6 = true;
  v6.bytes = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0xff, 0xfe, 0x78, 0x9a, 0xbc};
  EXPECT_EQ(format_endpoint(v6, 443), "[fe80::1234:56ff:fe78:9abc]:443");
}

}  // namespace
}  // namespace tc::wire
