#include "net/token_bucket.hpp"

#include <gtest/gtest.h>

namespace kontalk::net {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

TEST(TokenBucketTest, BurstPassesWithoutDelay) {
  const auto start = Clock::time_point{};
  TokenBucket bucket(10, 5, start);
  EXPECT_EQ(bucket.take(5, start), Clock::duration::zero());
}

TEST(TokenBucketTest, ExceedingTheBurstAsksForAPauseProportionalToTheDeficit) {
  const auto start = Clock::time_point{};
  TokenBucket bucket(10, 5, start);
  // 5 over the burst at 10 per second: half a second to repay.
  EXPECT_EQ(bucket.take(10, start), std::chrono::duration_cast<Clock::duration>(500ms));
}

TEST(TokenBucketTest, TokensRefillWithTimeButNotBeyondTheBurst) {
  const auto start = Clock::time_point{};
  TokenBucket bucket(10, 5, start);
  bucket.take(5, start);
  EXPECT_EQ(bucket.take(5, start + 500ms), Clock::duration::zero());
  // An hour of idleness still leaves only a burst's worth.
  EXPECT_GT(bucket.take(6, start + 1h), Clock::duration::zero());
}

}  // namespace
}  // namespace kontalk::net
