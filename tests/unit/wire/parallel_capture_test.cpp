#include "wire/parallel_capture.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "conversation.h"
#include "wire/ordered_merge.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

// ---------------------------------------------------------------- the merge

// Records what the merge hands on and which lane's thread handed it on.
struct HandedOn {
  std::vector<int> items;
  std::vector<size_t> by;
  OrderedMerge<int>::HandOn callback() {
    return [this](int& item, size_t lane) {
      items.push_back(item);
      by.push_back(lane);
    };
  }
};

TEST(OrderedMerge, HandsOnInReportOrderAcrossLanes) {
  HandedOn out;
  OrderedMerge<int> merge(3, out.callback());
  const uint64_t end = ReportOrder::kEndOfCapture;
  // Each lane in its own report order; the end-of-capture items by last frame.
  merge.put(0, {3, 1}, 3, 2);
  merge.put(1, {5, 4}, 5, 4);
  merge.put(2, {4, 4}, 4, 3);
  merge.put(0, {9, 2}, 9, 8);
  // While every lane holds an item the earliest can go; then lane 2 is empty
  // and could still report frame 4..
  EXPECT_EQ(out.items, (std::vector<int>{3, 4}));
  merge.advance(1, 9);
  merge.advance(2, 9);
  merge.put(0, {end, 7}, 107, 9);
  EXPECT_EQ(out.items, (std::vector<int>{3, 4, 5, 9}));
  merge.put(1, {end, 2}, 102, 9);
  merge.put(1, {end, 8}, 108, 9);
  merge.put(2, {end, 5}, 105, 9);
  merge.close(2);
  EXPECT_EQ(out.items.size(), 4u);  // lane 1 could still report before the end
  merge.close(0);
  EXPECT_FALSE(merge.drained());   // lane 1 is still open
  merge.close(1);
  EXPECT_TRUE(merge.drained());
  EXPECT_EQ(out.items, (std::vector<int>{3, 4, 5, 9, 102, 105, 107, 108}));
}

TEST(OrderedMerge, HoldsAnItemWhileAnotherLaneMayReportEarlier) {
  HandedOn out;
  OrderedMerge<int> merge(2, out.callback());
  merge.put(0, {10, 10}, 10, 9);
  merge.advance(1, 5);  // lane 1 could still report frames 6..9
  EXPECT_TRUE(out.items.empty());
  merge.put(1, {7, 7}, 7, 6);  // earlier than lane 0's item
  merge.advance(1, 10);
  // Ready now, but lane 0's thread hands on while it runs (the sink's state
  // stays in one cache): lane 1 leaves them.
  EXPECT_TRUE(out.items.empty());
  merge.advance(0, 11);
  EXPECT_EQ(out.items, (std::vector<int>{7, 10}));
  EXPECT_EQ(out.by, (std::vector<size_t>{0, 0}));
}

TEST(OrderedMerge, AnotherLaneHandsOnABacklogOrOnceLaneZeroIsDone) {
  HandedOn out;
  OrderedMerge<int> merge(2, out.callback());
  merge.advance(0, 1000);
  for (int frame = 1; frame <= 100; ++frame) {
    merge.put(1, {static_cast<uint64_t>(frame), 0}, frame, static_cast<uint64_t>(frame - 1));
  }
  ASSERT_FALSE(out.items.empty());  // a backlog: lane 1's thread handed it on
  EXPECT_LT(out.items.size(), 100u);
  EXPECT_EQ(out.by.front(), 1u);
  for (size_t i = 0; i < out.items.size(); ++i) EXPECT_EQ(out.items[i], static_cast<int>(i) + 1);
  const size_t before = out.items.size();
  merge.close(0);  // hands on what is ready
  EXPECT_EQ(out.items.size(), 100u);
  EXPECT_EQ(out.by.back(), 0u);
  merge.put(1, {101, 0}, 101, 100);  // lane 0 is done: lane 1 hands on its own
  EXPECT_EQ(out.items.size(), 101u);
  EXPECT_EQ(out.by.back(), 1u);
  EXPECT_GT(out.items.size(), before);
}

TEST(OrderedMerge, OneThreadHandsOnAtATimeAndInOrder) {
  // Two lanes put interleaved frames from two threads; the callback must never
  // run twice at once, and the items come out in frame order.
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  std::vector<int> items;
  OrderedMerge<int> merge(2, [&](int& item, size_t) {
    if (++inside > 1) overlapped = true;
    items.push_back(item);
    std::this_thread::yield();
    --inside;
  });
  constexpr int kItems = 20000;
  auto lane = [&](size_t index) {
    for (int frame = static_cast<int>(index) + 1; frame <= kItems; frame += 2) {
      merge.put(index, {static_cast<uint64_t>(frame), static_cast<uint64_t>(frame)}, frame,
                static_cast<uint64_t>(frame - 1));
    }
    merge.close(index);
  };
  std::thread first(lane, 0), second(lane, 1);
  first.join();
  second.join();
  EXPECT_FALSE(overlapped);
  ASSERT_EQ(items.size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; ++i) ASSERT_EQ(items[static_cast<size_t>(i)], i + 1);
}

TEST(OrderedMerge, AFailingHandOnReachesThePutterAndCancelDropsTheRest) {
  std::vector<int> items;
  OrderedMerge<int> merge(1, [&](int& item, size_t) {
    if (item == 2) throw std::runtime_error("sink failed");
    items.push_back(item);
  });
  merge.put(0, {1, 1}, 1, 0);
  EXPECT_THROW(merge.put(0, {2, 2}, 2, 1), std::runtime_error);
  merge.put(0, {3, 3}, 3, 2);  // the merge still works after a failure
  EXPECT_EQ(items, (std::vector<int>{1, 3}));
  merge.cancel();
  merge.put(0, {4, 4}, 4, 3);
  merge.close(0);
  EXPECT_EQ(items, (std::vector<int>{1, 3}));
}

// ---------------------------------------------------------------- the reader

struct Seen final : WorkerOutput {
  explicit Seen(Connection&& c) : connection(std::move(c)) {}
  Connection connection;
};

// "client server first_frame cipher incomplete anomalies…" per connection, in order.
std::vector<std::string> describe(const std::vector<Connection>& connections) {
  std::vector<std::string> out;
  for (const Connection& c : connections) {
    std::string line = c.client + " " + c.server + " " + std::to_string(c.first_frame) + " " +
                       std::to_string(c.cipher.value_or(0)) + " " + std::to_string(c.incomplete) + " " +
                       std::to_string(c.messages.size());
    for (const auto& anomaly : c.anomalies) line += " | " + anomaly;
    out.push_back(line);
  }
  return out;
}

struct ReadResult {
  bool ok = false;
  std::vector<Connection> connections;
  CaptureStats stats;
  std::vector<CaptureDiagnostic> diagnostics;
};

ReadResult read_one(const Buffer& file, const CaptureOptions& options) {
  ReadResult r;
  r.ok = read_capture_bytes(file, "test.pcap", options, [&](Connection&& c) { r.connections.push_back(std::move(c)); },
                            r.stats, r.diagnostics);
  return r;
}

ReadResult read_threads(const Buffer& file, const CaptureOptions& options, size_t threads) {
  ReadResult r;
  std::vector<WorkerStage> stages(threads, [](Connection&& c) -> std::unique_ptr<WorkerOutput> {
    return std::make_unique<Seen>(std::move(c));
  });
  r.ok = read_capture_bytes_parallel(
      file, "test.pcap", options, stages,
      [&](WorkerOutput& out) { r.connections.push_back(std::move(static_cast<Seen&>(out).connection)); },
      r.stats, r.diagnostics);
  return r;
}

void expect_same_stats(const CaptureStats& a, const CaptureStats& b) {
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.non_tcp, b.non_tcp);
  EXPECT_EQ(a.tcp_segments, b.tcp_segments);
  EXPECT_EQ(a.connections_tls, b.connections_tls);
  EXPECT_EQ(a.connections_other, b.connections_other);
  EXPECT_EQ(a.connections_evicted, b.connections_evicted);
  EXPECT_EQ(a.lost_bytes, b.lost_bytes);
  EXPECT_EQ(a.malformed, b.malformed);
}

// An IPv4 UDP packet (RTP-sized), which the capture only counts.
Buffer udp_packet(const Endpoint& src, const Endpoint& dst, size_t payload_size) {
  Buffer udp;
  put_u16(udp, src.port);
  put_u16(udp, dst.port);
  put_u16(udp, static_cast<uint32_t>(8 + payload_size));
  put_u16(udp, 0);
  udp.resize(8 + payload_size, 0x80);
  Buffer ip;
  put_u8(ip, 0x45);
  put_u8(ip, 0);
  put_u16(ip, static_cast<uint32_t>(20 + udp.size()));
  put_u16(ip, 1);
  put_u16(ip, 0x4000);
  put_u8(ip, 64);
  put_u8(ip, 17);
  put_u16(ip, 0);
  append(ip, src.address);
  append(ip, dst.address);
  append(ip, udp);
  return ip;
}

// `count` handshakes whose packets interleave: some end with FIN, some with
// RST, some never end (reported at the end of the capture, least recently
// used first); a port-5060 connection and UDP are only counted.
std::vector<Buffer> interleaved_traffic(uint16_t count) {
  std::vector<Conversation> conversations;
  for (uint16_t i = 0; i < count; ++i) {
    Conversation c{v4(10, 0, static_cast<uint8_t>(i / 200), static_cast<uint8_t>(1 + i % 200),
                      static_cast<uint16_t>(40000 + i)),
                   v4(192, 0, 2, static_cast<uint8_t>(1 + i % 3), 5061)};
    c.open();
    c.handshake(static_cast<size_t>(150 + 37 * (i % 7)));
    if (i % 5 == 1) {
      c.from_client(RST);
    } else if (i % 5 != 3) {
      c.close();
    }
    conversations.push_back(std::move(c));
  }
  Conversation sip{v4(10, 9, 9, 9, 41000), v4(192, 0, 2, 9, 5060)};
  sip.open();
  sip.from_client(PSH | ACK, Buffer{'O', 'P', 'T', 'I', 'O', 'N', 'S'});
  conversations.push_back(std::move(sip));
  // Round-robin with a stagger, so connections start and end at different times.
  std::vector<Buffer> packets;
  std::vector<size_t> next(conversations.size(), 0);
  for (size_t step = 0, remaining = conversations.size(); remaining > 0; ++step) {
    remaining = 0;
    for (size_t i = 0; i < conversations.size(); ++i) {
      if (step < i / 4) {
        ++remaining;
        continue;
      }
      if (next[i] < conversations[i].packets.size()) packets.push_back(ethernet(conversations[i].packets[next[i]++]));
      if (next[i] < conversations[i].packets.size()) ++remaining;
    }
    if (step % 3 == 0) packets.push_back(ethernet(udp_packet(v4(10, 1, 1, 1, 20000), v4(10, 1, 1, 2, 30000), 172)));
  }
  return packets;
}

TEST(ParallelCapture, SameConnectionsInTheSameOrderForAnyThreadCount) {
  const Buffer file = pcap_file(interleaved_traffic(120));
  const ReadResult one = read_one(file, {});
  ASSERT_TRUE(one.ok);
  ASSERT_EQ(one.connections.size(), 120u);
  for (size_t threads : {1, 2, 3, 4, 7}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const ReadResult many = read_threads(file, {}, threads);
    EXPECT_TRUE(many.ok);
    EXPECT_EQ(describe(many.connections), describe(one.connections));
    expect_same_stats(many.stats, one.stats);
  }
}

TEST(ParallelCapture, ManyRoundsWithSmallBatchesAndDetection) {
  // Enough segments for many rounds of batches (and full queues on the way).
  const Buffer file = pcap_file(interleaved_traffic(1500));
  CaptureOptions detect;
  detect.detect_any_port = true;
  const ReadResult one = read_one(file, detect);
  const ReadResult two = read_threads(file, detect, 2);
  EXPECT_EQ(describe(two.connections), describe(one.connections));
  expect_same_stats(two.stats, one.stats);
}

TEST(ParallelCapture, DamagedFileReportsWhatWasReadAndWhy) {
  Buffer file = pcap_file(interleaved_traffic(20));
  file.resize(file.size() - 10);
  const ReadResult one = read_one(file, {});
  const ReadResult three = read_threads(file, {}, 3);
  EXPECT_EQ(three.ok, one.ok);
  EXPECT_EQ(describe(three.connections), describe(one.connections));
  ASSERT_EQ(three.diagnostics.size(), one.diagnostics.size());
  EXPECT_EQ(three.diagnostics[0].message, one.diagnostics[0].message);

  const ReadResult junk = read_threads(Buffer{'n', 'o', 't', ' ', 'p', 'c', 'a', 'p'}, {}, 2);
  EXPECT_FALSE(junk.ok);
  ASSERT_EQ(junk.diagnostics.size(), 1u);
  EXPECT_EQ(junk.diagnostics[0].message, "test.pcap: not a pcap or pcapng file");

  ReadResult missing;
  std::vector<WorkerStage> stages(2, [](Connection&& c) -> std::unique_ptr<WorkerOutput> {
    return std::make_unique<Seen>(std::move(c));
  });
  missing.ok = read_capture_parallel("/nonexistent/trunkcheck.pcap", {}, stages, [](WorkerOutput&) {},
                                     missing.stats, missing.diagnostics);
  EXPECT_FALSE(missing.ok);
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_NE(missing.diagnostics[0].message.find("cannot open"), std::string::npos);
}

TEST(ParallelCapture, AFailingStageStopsEveryThreadAndIsRethrown) {
  const Buffer file = pcap_file(interleaved_traffic(300));
  std::atomic<int> calls{0};
  std::vector<WorkerStage> stages(3, [&](Connection&&) -> std::unique_ptr<WorkerOutput> {
    if (++calls == 40) throw std::runtime_error("stage failed");
    return nullptr;
  });
  CaptureStats stats;
  std::vector<CaptureDiagnostic> diagnostics;
  EXPECT_THROW((void)read_capture_bytes_parallel(file, "test.pcap", {}, stages, [](WorkerOutput&) {},
                                                 stats, diagnostics),
               std::runtime_error);

  int delivered = 0;
  auto failing_sink = [&](WorkerOutput&) {
    if (++delivered == 5) throw std::runtime_error("sink failed");
  };
  std::vector<WorkerStage> quiet(2, [](Connection&& c) -> std::unique_ptr<WorkerOutput> {
    return std::make_unique<Seen>(std::move(c));
  });
  EXPECT_THROW((void)read_capture_bytes_parallel(file, "test.pcap", {}, quiet, failing_sink, stats, diagnostics),
               std::runtime_error);
}

TEST(ParallelCapture, EachThreadTracksItsShareOfTheCap) {
  // Five connections that never close, a cap of four: one table evicts one,
  // two tables of two each evict what their share exceeds.
  std::vector<Buffer> packets;
  for (uint16_t i = 0; i < 5; ++i) {
    Conversation c{v4(10, 0, 0, 1, static_cast<uint16_t>(40000 + i)), v4(192, 0, 2, 7, 5061)};
    c.open();
    c.from_client(PSH | ACK, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))));
    for (const Buffer& p : c.packets) packets.push_back(ethernet(p));
  }
  CaptureOptions options;
  options.max_connections = 4;
  const ReadResult one = read_one(pcap_file(packets), options);
  EXPECT_EQ(one.stats.connections_evicted, 1u);
  const ReadResult two = read_threads(pcap_file(packets), options, 2);
  EXPECT_EQ(two.connections.size(), 5u);
  EXPECT_GE(two.stats.connections_evicted, 1u);
}

}  // namespace
}  // namespace tc::wire
