// The flow table's own data structures (index, LRU list, pool) and the
// order in which the table reports, evicts and forgets flows.
#include "wire/flow_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

FlowKey key_number(uint32_t n, bool v6 = false) {
  FlowKey key;
  key.low_address.v6 = key.high_address.v6 = v6;
  key.low_address.bytes = {10, 0, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  key.high_address.bytes = {192, 0, 2, 7};
  key.low_port = static_cast<uint16_t>(40000 + n % 1000);
  key.high_port = 5061;
  return key;
}

// ---------------------------------------------------------------- FlowKey

TEST(FlowKey, BothDirectionsShareTheKeyAndOrderIsLexicographic) {
  IpPacket ip;
  TcpSegment tcp;
  ip.source.bytes = {10, 0, 0, 1};
  ip.destination.bytes = {10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};  // later in byte 15 only
  tcp.source_port = 5061;
  tcp.destination_port = 40000;
  int sender = -1;
  const FlowKey forward = flow_key_of(ip, tcp, sender);
  EXPECT_EQ(sender, 0);
  std::swap(ip.source, ip.destination);
  std::swap(tcp.source_port, tcp.destination_port);
  const FlowKey backward = flow_key_of(ip, tcp, sender);
  EXPECT_EQ(sender, 1);
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(FlowKeyHash{}(forward), FlowKeyHash{}(backward));

  // Same bytes: the family decides (IPv4 first), then the port.
  IpPacket same;
  same.source.bytes = same.destination.bytes = {1, 2, 3, 4};
  same.destination.v6 = true;
  tcp.source_port = 9;
  tcp.destination_port = 1;
  flow_key_of(same, tcp, sender);
  EXPECT_EQ(sender, 0);
  same.destination.v6 = false;
  flow_key_of(same, tcp, sender);
  EXPECT_EQ(sender, 1);
}

TEST(FlowKey, EveryFieldTakesPartInEquality) {
  const FlowKey base = key_number(7);
  EXPECT_EQ(base, key_number(7));
  FlowKey other = base;
  other.high_address.bytes[15] = 1;
  EXPECT_NE(base, other);
  other = base;
  other.low_address.v6 = true;
  EXPECT_NE(base, other);
  other = base;
  other.high_port = 5062;
  EXPECT_NE(base, other);
}

// ---------------------------------------------------------------- FlowIndex

struct Entry {
  FlowKey key;
};

TEST(FlowIndex, FindsInsertsAndErasesLikeAMapThroughGrowthAndCollisions) {
  std::vector<Entry> entries(5000);
  for (uint32_t i = 0; i < entries.size(); ++i) entries[i].key = key_number(i, i % 3 == 0);
  // A poor hash on purpose: long probe runs, wrap-around and backward shifts.
  auto hash_of = [](uint32_t i) { return uint64_t{i % 97} * 0x10001ull + (i % 5 == 0 ? ~uint64_t{0} - 3 : 0); };
  FlowIndex<Entry> index;
  std::map<uint32_t, bool> present;
  std::mt19937 random(1);
  for (int step = 0; step < 40000; ++step) {
    const uint32_t i = random() % entries.size();
    if (present[i]) {
      ASSERT_EQ(index.find(entries[i].key, hash_of(i)), &entries[i]);
      index.erase(&entries[i], hash_of(i));
      present[i] = false;
    } else {
      ASSERT_EQ(index.find(entries[i].key, hash_of(i)), nullptr);
      index.insert(&entries[i], hash_of(i));
      present[i] = true;
    }
  }
  size_t live = 0;
  for (const auto& [i, here] : present) {
    EXPECT_EQ(index.find(entries[i].key, hash_of(i)), here ? &entries[i] : nullptr) << i;
    live += here;
  }
  EXPECT_EQ(index.size(), live);
}

// ---------------------------------------------------------------- LruList and ObjectPool

struct Node {
  int value = 0;
  Node* lru_prev = nullptr;
  Node* lru_next = nullptr;
};

std::vector<int> values(const LruList<Node>& list) {
  std::vector<int> out;
  for (Node* n = list.front(); n != nullptr; n = n->lru_next) out.push_back(n->value);
  return out;
}

TEST(LruList, KeepsLeastRecentlyUsedFirst) {
  Node nodes[4] = {{0}, {1}, {2}, {3}};
  LruList<Node> list;
  for (Node& n : nodes) list.push_back(&n);
  list.move_to_back(&nodes[1]);
  list.move_to_back(&nodes[1]);  // already last
  EXPECT_EQ(values(list), (std::vector<int>{0, 2, 3, 1}));
  list.remove(&nodes[0]);
  list.remove(&nodes[1]);
  EXPECT_EQ(values(list), (std::vector<int>{2, 3}));
  EXPECT_EQ(list.size(), 2u);
  list.remove(&nodes[2]);
  list.remove(&nodes[3]);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.front(), nullptr);
}

TEST(ObjectPool, ReusesReleasedSlotsAndDestroysObjects) {
  ObjectPool<std::string, 4> pool;
  std::vector<std::string*> made;
  for (int i = 0; i < 10; ++i) made.push_back(pool.make(std::string(100, static_cast<char>('a' + i))));
  EXPECT_EQ(*made[9], std::string(100, 'j'));
  std::string* freed = made[3];
  pool.release(freed);
  EXPECT_EQ(pool.make("again"), freed);  // the freed slot comes back first
  made[3] = freed;
  for (std::string* s : made) pool.release(s);  // ASan checks nothing leaks
}

// ---------------------------------------------------------------- FlowTable

// Not inlined: GCC 12 reports a false -Wstringop-overread when it inlines the builders here.
[[gnu::noinline]] Buffer hello_record() {
  return record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {})));
}

struct Reported {
  std::string client;
  ReportOrder order;
  std::vector<std::string> anomalies;
};

class TableTest : public ::testing::Test {
 protected:
  FlowTable& table(size_t max_connections) {
    options_.max_connections = max_connections;
    table_ = std::make_unique<FlowTable>(
        options_,
        [this](Connection&& c, const ReportOrder& order) { reported_.push_back({c.client, order, c.anomalies}); },
        stats_);
    return *table_;
  }
  // A segment from client n (10.0.0.n:40000) to the server 192.0.2.7:5061.
  void segment(uint8_t n, uint8_t flags, const Buffer& payload, uint32_t sequence = 1000) {
    IpPacket ip;
    ip.protocol = 6;
    ip.source.bytes = {10, 0, 0, n};
    ip.destination.bytes = {192, 0, 2, 7};
    TcpSegment tcp;
    tcp.source_port = 40000;
    tcp.destination_port = 5061;
    tcp.sequence = sequence;
    tcp.flags = flags;
    tcp.payload = payload;
    ++frame_;
    table_->on_segment(ip, tcp, frame_, static_cast<double>(frame_));
  }
  void hello(uint8_t n) { segment(n, 0x18, hello_record()); }
  void server_reply(uint8_t n, uint8_t flags) {
    IpPacket ip;
    ip.protocol = 6;
    ip.source.bytes = {192, 0, 2, 7};
    ip.destination.bytes = {10, 0, 0, n};
    TcpSegment tcp;
    tcp.source_port = 5061;
    tcp.destination_port = 40000;
    tcp.flags = flags;
    ++frame_;
    table_->on_segment(ip, tcp, frame_, static_cast<double>(frame_));
  }
  std::vector<std::string> clients() const {
    std::vector<std::string> out;
    for (const auto& r : reported_) out.push_back(r.client);
    return out;
  }

  CaptureOptions options_;
  CaptureStats stats_;
  std::unique_ptr<FlowTable> table_;
  std::vector<Reported> reported_;
  uint64_t frame_ = 0;
};

TEST_F(TableTest, EvictsTheLeastRecentlyUsedAtTheCap) {
  table(3);
  hello(1);
  hello(2);
  hello(3);
  segment(1, 0x10, {0x17}, 2000);  // 1 is used again: 2 is now the oldest
  hello(4);                         // evicts 2
  hello(5);                         // evicts 3
  ASSERT_EQ(clients(), (std::vector<std::string>{"10.0.0.2:40000", "10.0.0.3:40000"}));
  EXPECT_EQ(stats_.connections_evicted, 2u);
  EXPECT_EQ(reported_[0].order.frame, 5u);  // reported at the frame that needed the room
  EXPECT_NE(std::find(reported_[0].anomalies.begin(), reported_[0].anomalies.end(),
                      "evicted: more connections open than the tracking cap"),
            reported_[0].anomalies.end());
  table_->finish_all();
  // The end of the capture: least recently used first, by last frame.
  ASSERT_EQ(clients().size(), 5u);
  EXPECT_EQ(clients()[2], "10.0.0.1:40000");
  EXPECT_EQ(clients()[3], "10.0.0.4:40000");
  EXPECT_EQ(clients()[4], "10.0.0.5:40000");
  EXPECT_EQ(reported_[2].order, (ReportOrder{ReportOrder::kEndOfCapture, 4}));
  EXPECT_EQ(reported_[4].order, (ReportOrder{ReportOrder::kEndOfCapture, 6}));
}

TEST_F(TableTest, ClosedFlowsLeaveTombstonesDroppedWithoutCountingAnEviction) {
  table(2);
  hello(1);
  segment(1, 0x04, {}, 2000);  // RST: reported now, a tombstone stays
  ASSERT_EQ(clients(), (std::vector<std::string>{"10.0.0.1:40000"}));
  EXPECT_EQ(reported_[0].order.frame, 2u);
  segment(1, 0x18, {0x17, 3, 3, 0, 1, 0}, 2000);  // a late retransmission: the tombstone absorbs it
  EXPECT_EQ(reported_.size(), 1u);
  hello(2);
  hello(3);  // the cap drops the tombstone first: no eviction counted
  EXPECT_EQ(stats_.connections_evicted, 0u);
  EXPECT_EQ(reported_.size(), 1u);
  table_->finish_all();
  EXPECT_EQ(clients(), (std::vector<std::string>{"10.0.0.1:40000", "10.0.0.2:40000", "10.0.0.3:40000"}));
}

TEST_F(TableTest, AFreshSynReplacesATombstoneAndFinAndFinCloses) {
  table(10);
  hello(1);
  segment(1, 0x11, {}, 2000);
  server_reply(1, 0x11);  // FIN from both sides
  ASSERT_EQ(reported_.size(), 1u);
  segment(1, 0x02, {}, 9000);  // the port pair is reused
  segment(1, 0x18, hello_record(), 9001);
  table_->finish_all();
  ASSERT_EQ(reported_.size(), 2u);
  EXPECT_EQ(reported_[1].order.frame, ReportOrder::kEndOfCapture);
  EXPECT_EQ(stats_.connections_tls, 2u);
}

TEST_F(TableTest, ManyFlowsAreForgottenLeastRecentlyUsedFirst) {
  table(100000);
  const Buffer hello = hello_record();
  const Buffer data_record = record(23, Buffer{1, 2, 3});
  // 2,000 flows (the index grows several times), then every even one speaks again.
  for (int pass = 0; pass < 2; ++pass) {
    for (int n = 1; n <= 2000; ++n) {
      if (pass == 1 && n % 2 != 0) continue;
      IpPacket ip;
      ip.protocol = 6;
      ip.source.bytes = {10, 1, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
      ip.destination.bytes = {192, 0, 2, 7};
      TcpSegment tcp;
      tcp.source_port = static_cast<uint16_t>(30000 + n);
      tcp.destination_port = 5061;
      tcp.sequence = pass == 0 ? 1000 : 1000 + static_cast<uint32_t>(hello.size());
      tcp.flags = 0x18;
      tcp.payload = pass == 0 ? hello : data_record;
      table_->on_segment(ip, tcp, ++frame_, 0);
    }
  }
  EXPECT_TRUE(reported_.empty());
  table_->finish_all();
  ASSERT_EQ(reported_.size(), 2000u);
  EXPECT_EQ(reported_[0].client, "10.1.0.1:30001");
  EXPECT_EQ(reported_[999].client, "10.1.7.207:31999");
  EXPECT_EQ(reported_[1000].client, "10.1.0.2:30002");
  EXPECT_EQ(reported_[1999].client, "10.1.7.208:32000");
  for (size_t i = 1; i < reported_.size(); ++i) EXPECT_LT(reported_[i - 1].order, reported_[i].order);
}

}  // namespace
}  // namespace tc::wire
