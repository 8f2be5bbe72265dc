#include "modules/push/push_queue.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::push {
namespace {

using std::chrono::seconds;

const PushQueue::Clock::time_point kStart{seconds(1000)};

TEST(PushQueueTest, RetryDelaysAreOneTwoFourThenNone) {
  EXPECT_EQ(retryDelay(0, std::nullopt), seconds(1));
  EXPECT_EQ(retryDelay(1, std::nullopt), seconds(2));
  EXPECT_EQ(retryDelay(2, std::nullopt), seconds(4));
  EXPECT_EQ(retryDelay(3, std::nullopt), std::nullopt);
}

TEST(PushQueueTest, RetryAfterIsHonouredWithinABound) {
  EXPECT_EQ(retryDelay(0, seconds(7)), seconds(7));
  EXPECT_EQ(retryDelay(1, seconds(100000)), kMaxRetryAfter);
  EXPECT_EQ(retryDelay(3, seconds(7)), std::nullopt);
}

TEST(PushQueueTest, CapacityCountsQueuedAndRunning) {
  PushQueue queue(2, 1);
  EXPECT_TRUE(queue.add({"a@x", "gcm", "t1"}));
  EXPECT_TRUE(queue.add({"b@x", "gcm", "t2"}));
  EXPECT_FALSE(queue.add({"c@x", "gcm", "t3"}));
  EXPECT_EQ(queue.takeReady(kStart).size(), 1u);
  EXPECT_FALSE(queue.add({"c@x", "gcm", "t3"}));  // one running, one waiting
  queue.finished();
  EXPECT_TRUE(queue.add({"c@x", "gcm", "t3"}));
}

TEST(PushQueueTest, ConcurrencyBoundsRunningJobs) {
  PushQueue queue(10, 2);
  for (const char* account : {"a@x", "b@x", "c@x"}) EXPECT_TRUE(queue.add({account, "gcm", "t"}));
  EXPECT_EQ(queue.takeReady(kStart).size(), 2u);
  EXPECT_TRUE(queue.takeReady(kStart).empty());
  queue.finished();
  const auto next = queue.takeReady(kStart);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].account, "c@x");
}

TEST(PushQueueTest, ARetryWaitsForItsTime) {
  PushQueue queue(10, 2);
  EXPECT_TRUE(queue.add({"a@x", "gcm", "t"}));
  auto running = queue.takeReady(kStart);
  ASSERT_EQ(running.size(), 1u);
  running[0].notBefore = kStart + seconds(2);
  queue.retry(running[0]);
  EXPECT_TRUE(queue.takeReady(kStart + seconds(1)).empty());
  EXPECT_EQ(queue.takeReady(kStart + seconds(2)).size(), 1u);
}

}  // namespace
}  // namespace kontalk::modules::push
