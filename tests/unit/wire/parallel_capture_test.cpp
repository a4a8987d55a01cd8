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

using Items = std::vector<std::pair<ReportOrder, int>>;

TEST(OrderedMerge, HandsOnInReportOrderAcrossLanes) {
  OrderedMerge<int> merge(3, 100);
  const uint64_t end = ReportOrder::kEndOfCapture;
  // Each lane in its own report order; the end-of-capture items by last frame.
  Items lane0{{{3, 1}, 3}, {{9, 2}, 9}}, lane0_end{{{end, 7}, 107}};
  Items lane1{{{5, 4}, 5}}, lane1_end{{{end, 2}, 102}, {{end, 8}, 108}};
  Items lane2{{{4, 4}, 4}}, lane2_end{{{end, 5}, 105}};
  merge.push(0, lane0, 9);
  merge.push(1, lane1, 9);
  merge.push(2, lane2, 9);
  EXPECT_TRUE(lane0.empty());  // taken
  merge.push(0, lane0_end, end);
  merge.push(1, lane1_end, end);
  merge.push(2, lane2_end, end);
  std::vector<int> out;
  while (merge.next(out)) {
  }
  EXPECT_EQ(out, (std::vector<int>{3, 4, 5, 9, 102, 105, 107, 108}));
}

TEST(OrderedMerge, WaitsWhileAnotherLaneMayReportEarlier) {
  OrderedMerge<int> merge(2, 100);
  Items first{{{10, 10}, 10}}, none;
  merge.push(0, first, 10);
  merge.push(1, none, 5);  // lane 1 could still report frames 6..10
  std::atomic<bool> returned{false};
  std::vector<int> out;
  std::thread consumer([&] {
    merge.next(out);
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(returned);
  Items earlier{{{7, 7}, 7}};
  merge.push(1, earlier, 7);  // earlier than lane 0's item: goes first
  consumer.join();
  ASSERT_TRUE(returned);
  EXPECT_EQ(out, (std::vector<int>{7}));
  merge.push(1, none, 10);
  out.clear();
  ASSERT_TRUE(merge.next(out));
  EXPECT_EQ(out, (std::vector<int>{10}));
}

TEST(OrderedMerge, CancelReleasesAFullLaneAndTheConsumer) {
  OrderedMerge<int> merge(2, 1);
  Items one{{{1, 1}, 1}};
  merge.push(0, one, 1);
  std::thread producer([&] {
    Items two{{{2, 2}, 2}};
    merge.push(0, two, 2);  // lane full: waits
  });
  std::vector<int> out;
  std::thread consumer([&] { merge.next(out); });  // lane 1 never advances: waits
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  merge.cancel();
  producer.join();
  consumer.join();
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(merge.cancelled());
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
