// The chunked parallel reader (chunked_capture.h): a capture in memory is cut
// into chunks that any thread reads, each from a guessed record boundary that
// is confirmed (or the chunk read again) once the chunk before is known. Its
// promise is the one-thread reading, whatever the chunk size, thread count,
// file layout or damage: every test here compares a parallel reading in full
// (connections and their frame numbers, counts, diagnostics, return value)
// with read_capture_bytes. Where a test relies on guesses going wrong, it
// checks with ChunkScanner that they do.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <random>
#include <stdexcept>
#include <thread>

#include "capture_readings.h"
#include "conversation.h"
#include "pcapng_writer.h"
#include "wire/byte_cursor.h"
#include "wire/capture_source.h"
#include "wire/captured_packet.h"
#include "wire/chunk_scan.h"
#include "wire/pcap_file.h"
#include "wire/pcapng_file.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

const size_t kDefaultChunk = CaptureOptions{}.parallel_chunk_bytes;

CaptureOptions chunks_of(size_t bytes, CaptureOptions options = {}) {
  options.parallel_chunk_bytes = bytes;
  return options;
}

// Every chunk size with every thread count reads `file` as one thread does.
void expect_serial_reading(std::span<const uint8_t> file, const Reading& serial,
                           std::initializer_list<size_t> chunk_sizes, std::initializer_list<size_t> thread_counts,
                           const CaptureOptions& options = {}) {
  for (size_t chunk : chunk_sizes) {
    for (size_t threads : thread_counts) {
      SCOPED_TRACE("chunk " + std::to_string(chunk) + " bytes, " + std::to_string(threads) + " threads");
      expect_same_reading(read_threads(file, chunks_of(chunk, options), threads), serial);
    }
  }
}

// ------------------------------------------------------------ observing guesses

// Where one chunk truly starts (where the chunk before it stopped) and where
// ChunkScanner guessed it starts (nullopt: no plausible record in the chunk).
struct Guess {
  ReaderPosition truth;
  std::optional<ReaderPosition> guessed;
};

// The guesses of every chunk after the first, cutting the file as ChunkedRun
// does (chunks of `chunk_bytes` from the first record; the last runs to the
// end). Only to check that a test's input makes the guesses it is meant to.
std::vector<Guess> chunk_guesses(std::span<const uint8_t> file, size_t chunk_bytes) {
  std::vector<CaptureDiagnostic> ignored;
  BufferedReader input(memory_source(file));
  ReaderPosition first;
  RecordFormat format = RecordFormat::pcap;
  if (is_pcap_magic(load_be32(file.data()))) {
    PcapReader reader(input, "", ignored);
    EXPECT_TRUE(reader.open());
    first.offset = input.offset();
    first.pcap = reader.layout();
  } else {
    format = RecordFormat::pcapng;
    PcapngReader reader(input, "", ignored);
    CapturedPacket packet;
    EXPECT_EQ(reader.next(packet), ReadResult::packet);
    first.offset = packet.offset;
    first.pcapng = reader.state();
  }
  ChunkScanner scanner(file, format, "", {}, 1);
  ChunkScan scan;
  std::vector<Guess> guesses;
  ReaderPosition at = first;
  for (uint64_t begin = first.offset; begin < file.size(); begin += chunk_bytes) {
    const uint64_t limit = file.size() - begin <= chunk_bytes ? file.size() : begin + chunk_bytes;
    if (begin != first.offset) guesses.push_back({at, scanner.guess_start(begin, limit, first)});
    scanner.scan(at, limit, scan);
    if (scan.last) break;
    at = scan.end;
  }
  return guesses;
}

struct GuessCounts {
  size_t chunks = 0;
  size_t right = 0;
  size_t none = 0;         // no record start found in the chunk
  size_t wrong_place = 0;  // a record start that is not the true one
  size_t stale_state = 0;  // the true place, read with the wrong interfaces or byte order
};

GuessCounts count_guesses(std::span<const uint8_t> file, size_t chunk_bytes) {
  GuessCounts counts;
  for (const Guess& g : chunk_guesses(file, chunk_bytes)) {
    ++counts.chunks;
    if (!g.guessed) {
      ++counts.none;
    } else if (*g.guessed == g.truth) {
      ++counts.right;
    } else if (g.guessed->offset != g.truth.offset) {
      ++counts.wrong_place;
    } else {
      ++counts.stale_state;
    }
  }
  return counts;
}

// Offsets of the records of pcap_file(frames).
std::vector<uint64_t> pcap_record_offsets(const std::vector<Buffer>& frames) {
  std::vector<uint64_t> offsets;
  uint64_t at = 24;
  for (const Buffer& frame : frames) {
    offsets.push_back(at);
    at += 16 + frame.size();
  }
  return offsets;
}

// ------------------------------------------------------------ equivalence

TEST(ChunkedCapture, EqualsOneThreadForEveryChunkSizeAndThreadCount) {
  const std::vector<Buffer> frames = interleaved_traffic(120);
  const Buffer file = pcap_file(frames);
  const Reading serial = read_serial(file);
  ASSERT_TRUE(serial.ok);
  ASSERT_EQ(serial.connections.size(), 120u);
  ASSERT_GT(file.size(), 4 * 65536u) << "the largest chunk size below must still cut the file";
  // 0 and 1 are raised to the 64-byte minimum; the default makes one chunk.
  expect_serial_reading(file, serial, {0, 1, 64, 100, 257, 1000, 4096, 65536, kDefaultChunk}, {1, 2, 3, 4});

  // The premise: small chunks start at every kind of place, some guessed wrong.
  const GuessCounts guesses = count_guesses(file, 257);
  EXPECT_GT(guesses.right, 0u);
  EXPECT_GT(guesses.wrong_place, 0u);
}

TEST(ChunkedCapture, DetectionOnAnyPortEqualsOneThread) {
  CaptureOptions detect;
  detect.detect_any_port = true;
  detect.ports = {};
  const Buffer file = pcap_file(interleaved_traffic(60));
  const Reading serial = read_serial(file, detect);
  ASSERT_GE(serial.connections.size(), 60u);
  expect_serial_reading(file, serial, {64, 1000}, {2, 3}, detect);
}

// ------------------------------------------------------------ pcap layouts

TEST(ChunkedCapture, PcapInEitherByteOrderWithMicroOrNanoseconds) {
  const std::vector<Buffer> frames = interleaved_traffic(40);
  for (bool little_endian : {true, false}) {
    for (bool nanoseconds : {false, true}) {
      SCOPED_TRACE(std::string(little_endian ? "little" : "big") + "-endian, " +
                   (nanoseconds ? "nanoseconds" : "microseconds"));
      const Buffer file = pcap_file(frames, 1, little_endian, nanoseconds);
      const Reading serial = read_serial(file);
      ASSERT_TRUE(serial.ok);
      ASSERT_EQ(serial.connections.size(), 40u);
      // Frame 1 (at 1700000000 s + half a second) starts a connection.
      EXPECT_TRUE(std::any_of(serial.connections.begin(), serial.connections.end(), [](const Connection& c) {
        return c.first_frame == 1 && seconds_text(c.first_time) == "1700000000.500000000";
      }));
      expect_serial_reading(file, serial, {64, 257, 4096}, {2, 3});
      EXPECT_GT(count_guesses(file, 257).right, 0u) << "the guess must work in this byte order";
    }
  }
}

TEST(ChunkedCapture, RecordsLongerThanAChunk) {
  // 1400-byte TLS segments and 1400-byte UDP: records of about 1.5 kB, so
  // most 64-byte chunks hold no record start at all.
  std::vector<Buffer> frames = interleaved_traffic(12, 1400);
  for (size_t i = 0; i < frames.size(); i += 4) {
    frames.insert(frames.begin() + static_cast<ptrdiff_t>(i),
                  ethernet(udp_packet(v4(10, 1, 1, 1, 20000), v4(10, 1, 1, 2, 30000), 1450)));
  }
  const Buffer file = pcap_file(frames);
  const Reading serial = read_serial(file);
  ASSERT_TRUE(serial.ok);
  ASSERT_EQ(serial.connections.size(), 12u);
  expect_serial_reading(file, serial, {64, 100, 1000}, {1, 2, 3, 4});

  const GuessCounts guesses = count_guesses(file, 64);
  EXPECT_GT(guesses.none, guesses.chunks / 2) << "most chunks should hold no record start";
}

// ------------------------------------------------------------ pcapng layouts

// A pcapng whose reader state changes between packets: interfaces of other
// link types and timestamp resolutions declared after packets, a second
// section in the other byte order (interface ids start again), a third in
// the first; simple and obsolete packet blocks; unknown blocks.
Buffer pcapng_with_changing_state(const std::vector<Buffer>& ip_packets) {
  PcapngWriter w;
  const size_t n = ip_packets.size();
  double seconds = 1700000000.25;
  w.section(true);
  w.unknown(0x00000BAD, 8);
  w.interface(kLinkEthernet);  // microseconds (no if_tsresol)
  size_t i = 0;
  for (; i < n / 4; ++i, seconds += 0.003) {
    w.enhanced(0, seconds, ethernet(ip_packets[i]));
    if (i % 7 == 0) w.unknown(0x40000123, 20);  // a custom block between packets
  }
  // Declared after packets: Linux SLL in nanoseconds, raw IPv4 in 2^-20 s with an offset.
  w.interface(kLinkLinuxSll, 9);
  w.interface(kLinkIpv4, 0x94, 1600000000);
  for (; i < n / 2; ++i, seconds += 0.003) {
    switch (i % 5) {
      case 0: w.enhanced(1, seconds, linux_sll(ip_packets[i])); break;
      case 1: w.enhanced(2, seconds, ip_packets[i]); break;
      case 2: w.simple(ethernet(ip_packets[i])); break;  // interface 0, no timestamp
      case 3: w.obsolete(1, seconds, linux_sll(ip_packets[i])); break;
      default: w.enhanced(0, seconds, ethernet(ip_packets[i])); break;
    }
    if (i % 11 == 0) w.unknown(0x00000BAD, 0);
  }
  // A big-endian section: interface 0 is now raw IPv4 in nanoseconds.
  w.section(false);
  w.interface(kLinkIpv4, 9);
  for (; i < 3 * n / 4; ++i, seconds += 0.003) {
    if (i == 5 * n / 8) w.interface(kLinkEthernet, 6, -3600);
    const bool second = i > 5 * n / 8 && i % 2 == 0;
    if (second) {
      w.enhanced(1, seconds, ethernet(ip_packets[i]));
    } else {
      w.enhanced(0, seconds, ip_packets[i]);
    }
  }
  // Little-endian again, with the interfaces in another order.
  w.section(true);
  w.interface(kLinkLinuxSll, 6);
  w.interface(kLinkEthernet, 9);
  for (; i < n; ++i, seconds += 0.003) {
    if (i % 3 == 0) {
      w.enhanced(0, seconds, linux_sll(ip_packets[i]));
    } else {
      w.enhanced(1, seconds, ethernet(ip_packets[i]));
    }
  }
  return std::move(w.bytes);
}

TEST(ChunkedCapture, PcapngSectionsAndInterfacesDeclaredBetweenPackets) {
  const Buffer file = pcapng_with_changing_state(interleaved_ip_packets(60));
  const Reading serial = read_serial(file);
  ASSERT_TRUE(serial.ok);
  ASSERT_EQ(serial.connections.size(), 60u);
  EXPECT_TRUE(serial.diagnostics.empty()) << describe(serial.diagnostics)[0];
  EXPECT_EQ(serial.stats.unsupported_link_type + serial.stats.malformed + serial.stats.non_ip, 0u);
  expect_serial_reading(file, serial, {64, 100, 256, 257, 1000, 4096, kDefaultChunk}, {1, 2, 3, 4});

  // The premise: guesses assume the first packet's interfaces and byte
  // order, so some start at the right block with the wrong interface table.
  size_t stale = 0;
  for (size_t chunk : {64, 100, 256, 1000, 4096}) stale += count_guesses(file, chunk).stale_state;
  EXPECT_GT(stale, 0u);
}

TEST(ChunkedCapture, PcapngFromTheSimpleBuilder) {
  std::vector<Packet> packets;
  for (const Buffer& frame : interleaved_traffic(50)) packets.push_back({kLinkEthernet, frame});
  const Buffer file = pcapng_file(packets);
  const Reading serial = read_serial(file);
  ASSERT_EQ(serial.connections.size(), 50u);
  expect_serial_reading(file, serial, {64, 257, 4096}, {2, 3});
}

// ------------------------------------------------------------ damage

TEST(ChunkedCapture, TruncatedInTheLastRecord) {
  const std::vector<Buffer> frames = interleaved_traffic(30);
  const Buffer whole = pcap_file(frames);
  std::vector<Packet> packets;
  for (const Buffer& frame : frames) packets.push_back({kLinkEthernet, frame});
  const Buffer whole_ng = pcapng_file(packets);
  // Cut in the last record's data, in its header, and just after its first byte.
  const uint64_t last = pcap_record_offsets(frames).back();
  for (uint64_t size : {whole.size() - 10, last + 9, last + 1}) {
    SCOPED_TRACE("pcap cut at " + std::to_string(size));
    const Buffer file(whole.begin(), whole.begin() + static_cast<ptrdiff_t>(size));
    const Reading serial = read_serial(file);
    ASSERT_EQ(serial.diagnostics.size(), 1u);
    EXPECT_NE(serial.diagnostics[0].message.find("truncated packet record at offset " + std::to_string(last)),
              std::string::npos);
    expect_serial_reading(file, serial, {64, 257, 4096}, {2, 3});
  }
  for (uint64_t cut : {2, 7, 30}) {
    SCOPED_TRACE("pcapng cut " + std::to_string(cut) + " bytes short");
    const Buffer file(whole_ng.begin(), whole_ng.end() - static_cast<ptrdiff_t>(cut));
    const Reading serial = read_serial(file);
    ASSERT_EQ(serial.diagnostics.size(), 1u);
    expect_serial_reading(file, serial, {64, 257, 4096}, {2, 3});
  }
}

TEST(ChunkedCapture, ImplausibleRecordLengthStopsTheReadingAsInOneThread) {
  const std::vector<Buffer> frames = interleaved_traffic(40);
  Buffer file = pcap_file(frames);
  const std::vector<uint64_t> offsets = pcap_record_offsets(frames);
  const uint64_t corrupt = offsets[offsets.size() / 2];
  const Buffer huge = {0xff, 0xff, 0xff, 0x7f};  // incl_len 2^31 - 1, little-endian
  std::copy(huge.begin(), huge.end(), file.begin() + static_cast<ptrdiff_t>(corrupt + 8));
  const Reading serial = read_serial(file);
  EXPECT_TRUE(serial.ok);  // damage is not fatal: what came before is reported
  EXPECT_GT(serial.connections.size(), 0u);
  EXPECT_EQ(serial.stats.frames, offsets.size() / 2);
  ASSERT_EQ(serial.diagnostics.size(), 1u);
  EXPECT_EQ(serial.diagnostics[0].message, "test.pcap: packet record of 2147483647 bytes at offset " +
                                               std::to_string(corrupt) + " is implausible; the file is corrupt from here");
  expect_serial_reading(file, serial, {64, 100, 257, 1000, 4096}, {1, 2, 3, 4});
}

TEST(ChunkedCapture, ImplausiblePcapngBlockLengthStopsTheReadingAsInOneThread) {
  Buffer file = pcapng_with_changing_state(interleaved_ip_packets(30));
  // The first block in the file's second half: a length that is not a multiple of four.
  std::vector<CaptureDiagnostic> ignored;
  BufferedReader input(memory_source(file));
  PcapngReader reader(input, "", ignored);
  CapturedPacket packet;
  uint64_t corrupt = 0;
  while (reader.next(packet) == ReadResult::packet && corrupt == 0) {
    if (packet.offset > file.size() / 2) corrupt = packet.offset;
  }
  ASSERT_NE(corrupt, 0u);
  file[corrupt + 4] ^= 0x02;  // the section there may be big-endian: change a low bit either way
  file[corrupt + 7] ^= 0x02;
  const Reading serial = read_serial(file);
  ASSERT_EQ(serial.diagnostics.size(), 1u);
  EXPECT_NE(serial.diagnostics[0].message.find("the file is corrupt from here"), std::string::npos);
  EXPECT_GT(serial.connections.size(), 0u);
  expect_serial_reading(file, serial, {64, 257, 1000}, {2, 3});
}

TEST(ChunkedCapture, GarbageOverwrittenInTheMiddleReadsAsInOneThread) {
  const std::vector<Buffer> frames = interleaved_traffic(20);
  const Buffer clean_pcap = pcap_file(frames);
  const Buffer clean_pcapng = pcapng_with_changing_state(interleaved_ip_packets(20));
  size_t differed = 0;  // damage that changed the reading: the test must not read clean files only
  for (const Buffer* clean : {&clean_pcap, &clean_pcapng}) {
    const Reading undamaged = read_serial(*clean);
    for (uint32_t seed = 1; seed <= 12; ++seed) {
      SCOPED_TRACE(std::string(clean == &clean_pcap ? "pcap" : "pcapng") + " seed " + std::to_string(seed));
      std::mt19937 random(seed);
      Buffer file = *clean;
      // A few runs of random bytes somewhere in the middle third.
      for (int run = 0; run < 3; ++run) {
        const size_t at = file.size() / 3 + random() % (file.size() / 3);
        const size_t length = 1 + random() % 64;
        for (size_t k = at; k < std::min(file.size(), at + length); ++k) file[k] = static_cast<uint8_t>(random());
      }
      const Reading serial = read_serial(file);
      if (describe(serial.diagnostics) != describe(undamaged.diagnostics) ||
          serial.stats.frames != undamaged.stats.frames ||
          describe(serial.connections) != describe(undamaged.connections)) {
        ++differed;
      }
      expect_serial_reading(file, serial, {64, 257, 4096}, {2, 3});
    }
  }
  EXPECT_GT(differed, 12u);
}

TEST(ChunkedCapture, NothingToReadAsInOneThread) {
  const Buffer pcap_header = pcap_file({});
  PcapngWriter section_only;
  section_only.section(true);
  PcapngWriter no_packets;
  no_packets.section(false);
  no_packets.interface(kLinkEthernet, 9);
  no_packets.unknown(0x00000BAD, 16);
  PcapngWriter undeclared;  // packets, but none on a declared interface
  undeclared.section(true);
  undeclared.interface(kLinkEthernet);
  for (int i = 0; i < 10; ++i) {
    const size_t block = undeclared.bytes.size();
    undeclared.enhanced(0, 1700000000, ethernet(udp_packet(v4(10, 0, 0, 1, 1), v4(10, 0, 0, 2, 2), 30)));
    undeclared.bytes[block + 8] = 3;  // interface 3, little-endian
  }
  const std::vector<std::pair<std::string, Buffer>> cases = {
      {"empty", {}},
      {"three bytes", {0xd4, 0xc3, 0xb2}},
      {"half a pcap header", Buffer(pcap_header.begin(), pcap_header.begin() + 12)},
      {"a pcap header only", pcap_header},
      {"a pcap header and half a record header", concat({pcap_header, Buffer(8, 0)})},
      {"a pcapng section header only", section_only.bytes},
      {"a pcapng section header cut short", Buffer(section_only.bytes.begin(), section_only.bytes.begin() + 16)},
      {"pcapng without packets", no_packets.bytes},
      {"pcapng packets on an undeclared interface", undeclared.bytes},
      {"not a capture", Buffer(100, 'x')},
  };
  for (const auto& [name, file] : cases) {
    SCOPED_TRACE(name);
    const Reading serial = read_serial(file);
    EXPECT_TRUE(serial.connections.empty());
    expect_serial_reading(file, serial, {64, 4096}, {1, 3});
  }
}

// ------------------------------------------------------------ adversarial sync

// TCP payloads carrying a verbatim copy of the file's first records: a chunk
// that starts inside such a packet, before the copy, takes the copy for the
// next record. Reading from there gives nonsense, which must be thrown away.
TEST(ChunkedCapture, PayloadThatLooksLikeRecordsIsNotTakenForThem) {
  const std::vector<Buffer> traffic = interleaved_traffic(30);
  const Buffer plain = pcap_file(traffic);
  const std::vector<uint64_t> plain_offsets = pcap_record_offsets(traffic);
  const Buffer copy(plain.begin() + 24, plain.begin() + static_cast<ptrdiff_t>(plain_offsets[6]));  // six records
  std::vector<Buffer> frames;
  std::vector<size_t> carriers;
  Conversation carrier{v4(10, 7, 7, 7, 42000), v4(192, 0, 2, 7, 5060)};
  carrier.open();
  for (size_t i = 0; i < traffic.size(); ++i) {
    frames.push_back(traffic[i]);
    if (i % 25 == 10) {
      carrier.from_client(PSH | ACK, copy);
      carriers.push_back(frames.size());
      frames.push_back(ethernet(carrier.packets.back()));
    }
  }
  const Buffer file = pcap_file(frames);
  const std::vector<uint64_t> offsets = pcap_record_offsets(frames);
  // The copy follows the record header, Ethernet (14), IPv4 with options (24) and TCP (32).
  std::vector<uint64_t> copies;
  for (size_t k : carriers) copies.push_back(offsets[k] + 16 + 14 + 24 + 32);

  const Reading serial = read_serial(file);
  ASSERT_TRUE(serial.ok);
  ASSERT_EQ(serial.connections.size(), 30u);
  size_t sizes_fooled = 0;
  for (size_t chunk = 64; chunk < 200 && sizes_fooled < 6; ++chunk) {
    size_t fooled = 0;
    for (const Guess& g : chunk_guesses(file, chunk)) {
      if (g.guessed && std::find(copies.begin(), copies.end(), g.guessed->offset) != copies.end()) ++fooled;
    }
    if (fooled == 0) continue;
    ++sizes_fooled;
    SCOPED_TRACE(std::to_string(fooled) + " chunks start in a copy");
    expect_serial_reading(file, serial, {chunk}, {2, 3});
  }
  EXPECT_GT(sizes_fooled, 0u) << "no chunk size made a guess land in a copy: the test tests nothing";
}

// ------------------------------------------------------------ the stream pipeline

Buffer gzip(const Buffer& raw) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Buffer out(deflateBound(&stream, static_cast<uLong>(raw.size())) + 64);
  stream.next_in = const_cast<Bytef*>(raw.data());
  stream.avail_in = static_cast<uInt>(raw.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(ChunkedCapture, GzipInputGoesThroughTheStreamPipeline) {
  const Buffer raw = pcap_file(interleaved_traffic(40));
  const Buffer file = gzip(raw);
  ASSERT_EQ(file[0], 0x1f);
  ASSERT_EQ(file[1], 0x8b);
  const Reading serial = read_serial(file);
  ASSERT_TRUE(serial.ok);
  ASSERT_EQ(serial.connections.size(), 40u);
  // Decompressed, the connections are those of the raw file.
  EXPECT_EQ(describe(serial.connections), describe(read_serial(raw).connections));
  expect_serial_reading(file, serial, {64, kDefaultChunk}, {2, 3});

  // Damaged gzip: the pipeline reports what the one thread reports.
  const Buffer cut(file.begin(), file.begin() + static_cast<ptrdiff_t>(file.size() / 2));
  const Reading cut_serial = read_serial(cut);
  ASSERT_FALSE(cut_serial.diagnostics.empty());
  expect_serial_reading(cut, cut_serial, {64}, {2, 3});
}

// ------------------------------------------------------------ failures

TEST(ChunkedCapture, AFailingStageWithSmallChunksIsRethrown) {
  const Buffer file = pcap_file(interleaved_traffic(300));
  for (int fail_at : {1, 40, 299}) {
    SCOPED_TRACE("stage fails at call " + std::to_string(fail_at));
    std::atomic<int> calls{0};
    std::vector<WorkerStage> stages(3, [&](Connection&&) -> std::unique_ptr<WorkerOutput> {
      if (++calls == fail_at) throw std::runtime_error("stage failed");
      return nullptr;
    });
    CaptureStats stats;
    std::vector<CaptureDiagnostic> diagnostics;
    EXPECT_THROW((void)read_capture_bytes_parallel(file, kCaptureName, chunks_of(64), stages,
                                                   [](WorkerOutput&) {}, stats, diagnostics),
                 std::runtime_error);
  }
  int delivered = 0;
  auto failing_sink = [&](WorkerOutput&) {
    if (++delivered == 5) throw std::logic_error("sink failed");
  };
  CaptureStats stats;
  std::vector<CaptureDiagnostic> diagnostics;
  EXPECT_THROW((void)read_capture_bytes_parallel(file, kCaptureName, chunks_of(64), keeping_stages(3), failing_sink,
                                                 stats, diagnostics),
               std::logic_error);
}

// ------------------------------------------------------------ stages prepared while reading

// CaptureOptions::stages_ready: a stage may run only once the future is
// ready; what the tables finish before is held, and the readings still equal
// one thread's. `prepared` is set just before the promise is kept, and every
// stage call checks it.
struct PreparedLater {
  std::promise<void> promise;
  std::atomic<bool> prepared{false};
  std::atomic<int> early_calls{0};

  CaptureOptions options(CaptureOptions options) {
    options.stages_ready = promise.get_future().share();
    return options;
  }
  std::vector<WorkerStage> stages(size_t threads) {
    return std::vector<WorkerStage>(threads, [this](Connection&& c) -> std::unique_ptr<WorkerOutput> {
      if (!prepared) ++early_calls;
      return std::make_unique<Seen>(std::move(c));
    });
  }
  void keep() {
    prepared = true;
    promise.set_value();
  }
};

Reading read_prepared_later(std::span<const uint8_t> file, CaptureOptions options, size_t threads,
                            std::chrono::milliseconds delay, std::atomic<uint64_t>* read_when_kept = nullptr) {
  PreparedLater later;
  std::atomic<uint64_t> bytes_read{0};
  options.progress = [&](uint64_t bytes) { bytes_read = bytes; };
  options = later.options(options);
  std::jthread preparer([&] {
    std::this_thread::sleep_for(delay);
    if (read_when_kept) *read_when_kept = bytes_read.load();
    later.keep();
  });
  Reading r;
  const std::vector<WorkerStage> stages = later.stages(threads);
  r.ok = read_capture_bytes_parallel(file, kCaptureName, options, stages, keeping_sink(r), r.stats, r.diagnostics);
  preparer.join();
  EXPECT_EQ(later.early_calls, 0) << "a stage ran before it was prepared";
  return r;
}

TEST(StagesReady, ConnectionsFinishedBeforeAreHeldAndReportedInOrder) {
  const Buffer file = pcap_file(interleaved_traffic(120));
  const Reading serial = read_serial(file);
  ASSERT_EQ(serial.connections.size(), 120u);
  for (size_t chunk : {size_t{257}, kDefaultChunk}) {
    for (size_t threads : {2, 3}) {
      for (auto delay : {std::chrono::milliseconds(0), std::chrono::milliseconds(30)}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk) + ", " + std::to_string(threads) + " threads, ready after " +
                     std::to_string(delay.count()) + " ms");
        expect_same_reading(read_prepared_later(file, chunks_of(chunk), threads, delay), serial);
      }
    }
  }
}

TEST(StagesReady, AThreadHoldingTheMostItMayWaits) {
  const Buffer file = pcap_file(interleaved_traffic(120));
  const Reading serial = read_serial(file);
  CaptureOptions options = chunks_of(257);
  options.max_held_bytes = 2 * 3 * 1024;  // a few connections each of two threads
  std::atomic<uint64_t> read_when_kept{0};
  // A capture of ~100 KB is read well within 300 ms, unless the threads wait.
  expect_same_reading(read_prepared_later(file, options, 2, std::chrono::milliseconds(300), &read_when_kept),
                      serial);
  EXPECT_LT(read_when_kept.load(), file.size() / 2) << "the threads read on instead of waiting";
}

TEST(StagesReady, StreamPipelineHoldsToo) {
  const Buffer file = gzip(pcap_file(interleaved_traffic(60)));
  const Reading serial = read_serial(file);
  ASSERT_EQ(serial.connections.size(), 60u);
  CaptureOptions options;
  options.max_held_bytes = 2 * 5 * 1024;
  expect_same_reading(read_prepared_later(file, options, 2, std::chrono::milliseconds(30)), serial);
}

TEST(StagesReady, WhatThePreparationThrewIsRethrown) {
  const Buffer raw = pcap_file(interleaved_traffic(40));
  for (const Buffer& file : {raw, gzip(raw)}) {
    std::promise<void> promise;
    CaptureOptions options = chunks_of(257);
    options.stages_ready = promise.get_future().share();
    promise.set_exception(std::make_exception_ptr(std::runtime_error("no trust store")));
    CaptureStats stats;
    std::vector<CaptureDiagnostic> diagnostics;
    try {
      (void)read_capture_bytes_parallel(file, kCaptureName, options, keeping_stages(2), [](WorkerOutput&) {}, stats,
                                        diagnostics);
      ADD_FAILURE() << "nothing thrown";
    } catch (const std::runtime_error& error) {
      EXPECT_STREQ(error.what(), "no trust store");
    }
  }
}

// ------------------------------------------------------------ diagnostics

// The one-thread reader stops adding diagnostics once its list holds 1000
// (add_diagnostic, captured_packet.h). The chunked reader once wrote those met
// before the first packet (read_head) straight into the caller's list and
// then appended up to 1000 more from the chunks: a pcapng with one bad block
// before its first packet and over 1000 after gave 1001.
TEST(ChunkedCapture, DiagnosticsAreCappedAsInOneThread) {
  PcapngWriter w;
  w.section(true);
  w.interface(kLinkEthernet);
  const Buffer frame = ethernet(udp_packet(v4(10, 0, 0, 1, 1), v4(10, 0, 0, 2, 2), 30));
  auto undeclared = [&] {  // an EPB for interface 9: skipped with a diagnostic
    const size_t block = w.bytes.size();
    w.enhanced(0, 1700000000, frame);
    w.bytes[block + 8] = 9;  // the interface id, little-endian
  };
  undeclared();  // before the first packet
  w.enhanced(0, 1700000000, frame);
  for (int i = 0; i < 1100; ++i) {
    undeclared();
    if (i % 100 == 0) w.enhanced(0, 1700000001, frame);
  }
  const Reading serial = read_serial(w.bytes);
  ASSERT_EQ(serial.diagnostics.size(), 1000u);
  EXPECT_NE(serial.diagnostics[0].message.find("packet for undeclared interface 9"), std::string::npos);
  expect_serial_reading(w.bytes, serial, {64, 4096, kDefaultChunk}, {2});
}

// ------------------------------------------------------------ real captures

namespace fs = std::filesystem;

Buffer read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Buffer(std::istreambuf_iterator<char>(in), {});
}

TEST(ChunkedCaptureZeek, EveryCaptureReadsAsInOneThread) {
  const fs::path dir = fs::path(TRUNKCHECK_TESTDATA_DIR) / "zeek-tls";
  if (!fs::exists(dir)) GTEST_SKIP() << "no captures under " << dir;
  std::vector<fs::path> captures;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".pcap") || name.ends_with(".pcapng") || name.ends_with(".pcap.gz")) {
      captures.push_back(entry.path());
    }
  }
  std::sort(captures.begin(), captures.end());
  ASSERT_FALSE(captures.empty());
  CaptureOptions options;
  options.detect_any_port = true;  // the captures use 443, 993, 3000 …
  size_t connections = 0;
  for (const fs::path& path : captures) {
    SCOPED_TRACE(path.filename().string());
    const Buffer file = read_file(path);
    const Reading serial = read_serial(file, options);
    connections += serial.connections.size();
    expect_serial_reading(file, serial, {512, 4096}, {2, 3}, options);

    // Once through the path itself: a mapped file (gzip: the stream pipeline).
    Reading from_path;
    const std::vector<WorkerStage> stages = keeping_stages(3);
    from_path.ok = read_capture_parallel(path.string(), chunks_of(512, options), stages, keeping_sink(from_path),
                                         from_path.stats, from_path.diagnostics);
    Reading serial_path;
    serial_path.ok = read_capture(path.string(), options,
                                  [&](Connection&& c) { serial_path.connections.push_back(std::move(c)); },
                                  serial_path.stats, serial_path.diagnostics);
    expect_same_reading(from_path, serial_path);
    EXPECT_EQ(describe(from_path.connections), describe(serial.connections));
  }
  EXPECT_GT(connections, captures.size());
}

}  // namespace
}  // namespace tc::wire
