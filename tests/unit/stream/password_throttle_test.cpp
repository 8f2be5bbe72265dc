#include "stream/password_throttle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kontalk::stream {
namespace {

using std::chrono::seconds;
using Clock = PasswordThrottle::Clock;

PasswordThrottleSettings settings() {
  PasswordThrottleSettings result;
  result.freeFailuresPerAccount = 3;
  result.freeFailuresPerAddress = 10;
  result.maxBackoff = seconds(60);
  result.failureMemory = seconds(600);
  return result;
}

class PasswordThrottleTest : public ::testing::Test {
 protected:
  // Wrong passwords: each admitted, and counted as it was admitted.
  void fail(std::string_view source, std::string_view account, int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_EQ(throttle_.admit(source, account, now_), Clock::duration{});
    }
  }
  // What an attempt now would have to wait; an admitted one is given back at once.
  Clock::duration wait(std::string_view source, std::string_view account, Clock::time_point at) {
    const auto result = throttle_.admit(source, account, at);
    if (result == Clock::duration{}) throttle_.undecided(source, account);
    return result;
  }

  PasswordThrottle throttle_{settings()};
  Clock::time_point now_ = Clock::time_point{} + seconds(1000);
};

TEST_F(PasswordThrottleTest, TheFreeFailuresCostNothing) {
  fail("10.0.0.1", "alice", 2);
  EXPECT_EQ(wait("10.0.0.1", "alice", now_), Clock::duration{});
}

TEST_F(PasswordThrottleTest, EachFailureBeyondTheFreeOnesDoublesTheWait) {
  fail("10.0.0.1", "alice", 3);
  EXPECT_EQ(wait("10.0.0.1", "alice", now_), seconds(1));
  now_ += seconds(1);
  fail("10.0.0.1", "alice", 1);
  EXPECT_EQ(wait("10.0.0.1", "alice", now_), seconds(2));
  now_ += seconds(2);
  fail("10.0.0.1", "alice", 1);
  EXPECT_EQ(wait("10.0.0.1", "alice", now_), seconds(4));
  // The wait counts from the last failure.
  EXPECT_EQ(wait("10.0.0.1", "alice", now_ + seconds(3)), seconds(1));
  EXPECT_EQ(wait("10.0.0.1", "alice", now_ + seconds(4)), Clock::duration{});
}

TEST_F(PasswordThrottleTest, AttemptsMadeWhileHeldBackAreRefusedAndNotCounted) {
  fail("10.0.0.1", "alice", 3);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(throttle_.admit("10.0.0.1", "alice", now_), seconds(1));
  EXPECT_EQ(wait("10.0.0.1", "alice", now_ + seconds(1)), Clock::duration{});
}

TEST_F(PasswordThrottleTest, ConcurrentAttemptsCountBeforeTheyAreJudged) {
  // Three attempts admitted at once, none judged yet: the fourth is already held back.
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(throttle_.admit("10.0.0.1", "alice", now_), Clock::duration{});
  EXPECT_EQ(throttle_.admit("10.0.0.2", "alice", now_), seconds(1));
}

TEST_F(PasswordThrottleTest, AnUndecidedAttemptIsGivenBack) {
  fail("10.0.0.1", "alice", 2);
  ASSERT_EQ(throttle_.admit("10.0.0.1", "alice", now_), Clock::duration{});
  throttle_.undecided("10.0.0.1", "alice");  // e.g. storage failed
  EXPECT_EQ(wait("10.0.0.1", "alice", now_), Clock::duration{});
}

TEST_F(PasswordThrottleTest, TheWaitStopsGrowingAtTheMaximum) {
  fail("10.0.0.1", "alice", 3);
  for (int i = 0; i < 10; ++i) {
    now_ += wait("10.0.0.1", "alice", now_);
    fail("10.0.0.1", "alice", 1);
  }
  EXPECT_EQ(wait("10.0.0.1", "alice", now_), seconds(60));
}

TEST_F(PasswordThrottleTest, AnAccountIsThrottledFromEverySource) {
  fail("10.0.0.1", "alice", 1);
  fail("10.0.0.2", "alice", 1);
  fail("10.0.0.3", "alice", 1);
  EXPECT_EQ(wait("10.0.0.4", "alice", now_), seconds(1));
  EXPECT_EQ(wait("10.0.0.4", "bob", now_), Clock::duration{});
}

TEST_F(PasswordThrottleTest, ASourceIsThrottledForEveryAccount) {
  for (int i = 0; i < 10; ++i) fail("10.0.0.1", "user" + std::to_string(i), 1);
  EXPECT_EQ(wait("10.0.0.1", "someone-else", now_), seconds(1));
  EXPECT_EQ(wait("10.0.0.1", "", now_), seconds(1));
  EXPECT_EQ(wait("10.0.0.2", "someone-else", now_), Clock::duration{});
}

TEST_F(PasswordThrottleTest, FailuresAreForgottenAfterTheMemory) {
  fail("10.0.0.1", "alice", 3);
  EXPECT_GT(wait("10.0.0.1", "alice", now_), Clock::duration{});
  const auto later = now_ + seconds(600);
  EXPECT_EQ(wait("10.0.0.1", "alice", later), Clock::duration{});
  // A failure after that starts counting afresh: free again.
  ASSERT_EQ(throttle_.admit("10.0.0.1", "alice", later), Clock::duration{});
  EXPECT_EQ(wait("10.0.0.1", "alice", later), Clock::duration{});
}

TEST_F(PasswordThrottleTest, SuccessForgivesTheAccountNotTheSource) {
  for (int i = 0; i < 9; ++i) fail("10.0.0.1", "user" + std::to_string(i), 1);
  fail("10.0.0.1", "alice", 1);
  throttle_.succeeded("10.0.0.1", "alice");  // its own attempt given back: 9 failures
  EXPECT_EQ(wait("10.0.0.1", "bob", now_), Clock::duration{});
  fail("10.0.0.1", "bob", 1);  // the 10th
  EXPECT_EQ(wait("10.0.0.1", "carol", now_), seconds(1));
  // alice's account carries nothing from before.
  EXPECT_EQ(wait("10.0.0.2", "alice", now_), Clock::duration{});
}

TEST_F(PasswordThrottleTest, AnIpv6SubscriberCountsAsOneSource) {
  const auto a = PasswordThrottle::sourceKey(boost::asio::ip::make_address("2001:db8:1:2::1"));
  const auto b = PasswordThrottle::sourceKey(
      boost::asio::ip::make_address("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  const auto other = PasswordThrottle::sourceKey(boost::asio::ip::make_address("2001:db8:1:3::1"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
}

TEST_F(PasswordThrottleTest, AMappedIpv4AddressIsThePlainOne) {
  EXPECT_EQ(PasswordThrottle::sourceKey(boost::asio::ip::make_address("::ffff:192.0.2.7")),
            PasswordThrottle::sourceKey(boost::asio::ip::make_address("192.0.2.7")));
}

TEST_F(PasswordThrottleTest, MadeUpNamesCannotGrowItBeyondItsBound) {
  fail("10.0.0.1", "", 10);
  ASSERT_EQ(wait("10.0.0.1", "", now_), seconds(1));
  // Each attempt tracks its source and its account; past the bound the oldest go first.
  for (std::size_t i = 0; i < PasswordThrottle::kMaxTracked / 2 + 10; ++i) {
    fail("source-" + std::to_string(i), "made-up-" + std::to_string(i), 1);
  }
  EXPECT_EQ(throttle_.tracked(), PasswordThrottle::kMaxTracked);
  EXPECT_EQ(wait("10.0.0.1", "", now_), Clock::duration{});  // the oldest: forgotten
  fail("10.0.0.9", "alice", 3);                              // the newest: kept
  EXPECT_EQ(wait("10.0.0.9", "alice", now_), seconds(1));
}

}  // namespace
}  // namespace kontalk::stream
