#include "wire/parallel_capture.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "capture_readings.h"
#include "conversation.h"
#include "wire/ordered_merge.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

// ---------------------------------------------------------------- the merge

// One item, progress only, and the end of a lane, through the merge's one entry point.
template <typename Item>
void put(OrderedMerge<Item>& merge, size_t lane, const ReportOrder& order, Item item, uint64_t through) {
  std::vector<std::pair<ReportOrder, Item>> items;
  items.emplace_back(order, std::move(item));
  merge.put(lane, items, through);
}
template <typename Item>
void advance(OrderedMerge<Item>& merge, size_t lane, uint64_t through) {
  std::vector<std::pair<ReportOrder, Item>> none;
  merge.put(lane, none, through);
}
template <typename Item>
void close(OrderedMerge<Item>& merge, size_t lane) {
  advance(merge, lane, ReportOrder::kEndOfCapture);
}

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
  put(merge, 0, {3, 1}, 3, 2);
  put(merge, 1, {5, 4}, 5, 4);
  put(merge, 2, {4, 4}, 4, 3);
  put(merge, 0, {9, 2}, 9, 8);
  // While every lane holds an item the earliest can go; then lane 2 is empty
  // and could still report frame 4..
  EXPECT_EQ(out.items, (std::vector<int>{3, 4}));
  advance(merge, 1, 9);
  advance(merge, 2, 9);
  put(merge, 0, {end, 7}, 107, 9);
  EXPECT_EQ(out.items, (std::vector<int>{3, 4, 5, 9}));
  put(merge, 1, {end, 2}, 102, 9);
  put(merge, 1, {end, 8}, 108, 9);
  put(merge, 2, {end, 5}, 105, 9);
  close(merge, 2);
  EXPECT_EQ(out.items.size(), 4u);  // lane 1 could still report before the end
  close(merge, 0);
  EXPECT_FALSE(merge.drained());   // lane 1 is still open
  close(merge, 1);
  EXPECT_TRUE(merge.drained());
  EXPECT_EQ(out.items, (std::vector<int>{3, 4, 5, 9, 102, 105, 107, 108}));
}

TEST(OrderedMerge, HoldsAnItemWhileAnotherLaneMayReportEarlier) {
  HandedOn out;
  OrderedMerge<int> merge(2, out.callback());
  put(merge, 0, {10, 10}, 10, 9);
  advance(merge, 1, 5);  // lane 1 could still report frames 6..9
  EXPECT_TRUE(out.items.empty());
  put(merge, 1, {7, 7}, 7, 6);  // earlier than lane 0's item
  advance(merge, 1, 10);
  // Ready now, but lane 0's thread hands on while it runs (the sink's state
  // stays in one cache): lane 1 leaves them.
  EXPECT_TRUE(out.items.empty());
  advance(merge, 0, 11);
  EXPECT_EQ(out.items, (std::vector<int>{7, 10}));
  EXPECT_EQ(out.by, (std::vector<size_t>{0, 0}));
}

TEST(OrderedMerge, AnotherLaneHandsOnABacklogOrOnceLaneZeroIsDone) {
  HandedOn out;
  OrderedMerge<int> merge(2, out.callback());
  advance(merge, 0, 1000);
  for (int frame = 1; frame <= 100; ++frame) {
    put(merge, 1, {static_cast<uint64_t>(frame), 0}, frame, static_cast<uint64_t>(frame - 1));
  }
  ASSERT_FALSE(out.items.empty());  // a backlog: lane 1's thread handed it on
  EXPECT_LT(out.items.size(), 100u);
  EXPECT_EQ(out.by.front(), 1u);
  for (size_t i = 0; i < out.items.size(); ++i) EXPECT_EQ(out.items[i], static_cast<int>(i) + 1);
  const size_t before = out.items.size();
  close(merge, 0);  // hands on what is ready
  EXPECT_EQ(out.items.size(), 100u);
  EXPECT_EQ(out.by.back(), 0u);
  put(merge, 1, {101, 0}, 101, 100);  // lane 0 is done: lane 1 hands on its own
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
      put(merge, index, {static_cast<uint64_t>(frame), static_cast<uint64_t>(frame)}, frame,
                static_cast<uint64_t>(frame - 1));
    }
    close(merge, index);
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
  put(merge, 0, {1, 1}, 1, 0);
  EXPECT_THROW(put(merge, 0, {2, 2}, 2, 1), std::runtime_error);
  put(merge, 0, {3, 3}, 3, 2);  // the merge still works after a failure
  EXPECT_EQ(items, (std::vector<int>{1, 3}));
  merge.cancel();
  put(merge, 0, {4, 4}, 4, 3);
  close(merge, 0);
  EXPECT_EQ(items, (std::vector<int>{1, 3}));
}

// ---------------------------------------------------------------- the reader

TEST(ParallelCapture, SameConnectionsInTheSameOrderForAnyThreadCount) {
  const Buffer file = pcap_file(interleaved_traffic(120));
  const Reading one = read_serial(file, {});
  ASSERT_TRUE(one.ok);
  ASSERT_EQ(one.connections.size(), 120u);
  for (size_t threads : {1, 2, 3, 4, 7}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const Reading many = read_threads(file, {}, threads);
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
  const Reading one = read_serial(file, detect);
  const Reading two = read_threads(file, detect, 2);
  EXPECT_EQ(describe(two.connections), describe(one.connections));
  expect_same_stats(two.stats, one.stats);
}

TEST(ParallelCapture, DamagedFileReportsWhatWasReadAndWhy) {
  Buffer file = pcap_file(interleaved_traffic(20));
  file.resize(file.size() - 10);
  const Reading one = read_serial(file, {});
  const Reading three = read_threads(file, {}, 3);
  EXPECT_EQ(three.ok, one.ok);
  EXPECT_EQ(describe(three.connections), describe(one.connections));
  ASSERT_EQ(three.diagnostics.size(), one.diagnostics.size());
  EXPECT_EQ(three.diagnostics[0].message, one.diagnostics[0].message);

  const Reading junk = read_threads(Buffer{'n', 'o', 't', ' ', 'p', 'c', 'a', 'p'}, {}, 2);
  EXPECT_FALSE(junk.ok);
  ASSERT_EQ(junk.diagnostics.size(), 1u);
  EXPECT_EQ(junk.diagnostics[0].message, "test.pcap: not a pcap or pcapng file");

  Reading missing;
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
  const Reading one = read_serial(pcap_file(packets), options);
  EXPECT_EQ(one.stats.connections_evicted, 1u);
  const Reading two = read_threads(pcap_file(packets), options, 2);
  EXPECT_EQ(two.connections.size(), 5u);
  EXPECT_GE(two.stats.connections_evicted, 1u);
}

}  // namespace
}  // namespace tc::wire
