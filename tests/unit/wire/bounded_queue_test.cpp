// The queue between the parallel reader and its workers.
#include "wire/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace tc::wire {
namespace {

TEST(BoundedQueue, KeepsOrderAcrossThreadsAndNeverHoldsMoreThanItsCapacity) {
  BoundedQueue<int> queue(4);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 10000; ++i) {
      ASSERT_TRUE(queue.push(i));
      pushed = i + 1;
    }
  });
  std::vector<int> got;
  for (int i = 0; i < 10000; ++i) {
    std::optional<int> value = queue.pop();
    ASSERT_TRUE(value);
    got.push_back(*value);
    EXPECT_LE(pushed.load() - static_cast<int>(got.size()), 4);  // what is queued now
  }
  producer.join();
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(got[static_cast<size_t>(i)], i);
}

TEST(BoundedQueue, AProducerThatFoundItFullWaitsUntilHalfIsTaken) {
  BoundedQueue<int> queue(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(queue.push(i));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    queue.push(4);
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(queue.pop(), 0);  // three left: still above half
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(pushed);
  EXPECT_EQ(queue.pop(), 1);  // two left: the producer goes on
  producer.join();
  EXPECT_TRUE(pushed);
  for (int i = 2; i <= 4; ++i) EXPECT_EQ(queue.pop(), i);
}

TEST(BoundedQueue, CancelReleasesAWaitingProducerAndConsumer) {
  BoundedQueue<int> full(1), empty(1);
  ASSERT_TRUE(full.push(1));
  std::thread producer([&] { EXPECT_FALSE(full.push(2)); });
  std::thread consumer([&] { EXPECT_FALSE(empty.pop()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  full.cancel();
  empty.cancel();
  producer.join();
  consumer.join();
  EXPECT_FALSE(full.pop());
  EXPECT_FALSE(full.push(3));
}

}  // namespace
}  // namespace tc::wire
