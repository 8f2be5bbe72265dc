#include "modules/register/throttle.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::registration {
namespace {

using std::chrono::seconds;

constexpr AttemptLimit kThreePer30{3, seconds(30)};
constexpr AttemptLimit kUnlimited{};

TEST(AttemptLimitTest, Parses) {
  const auto limit = AttemptLimit::parse("3/30");
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->attempts, 3);
  EXPECT_EQ(limit->window, seconds(30));
  EXPECT_EQ(AttemptLimit::parse("off")->attempts, 0);
  EXPECT_FALSE(AttemptLimit::parse("3"));
  EXPECT_FALSE(AttemptLimit::parse("0/30"));
  EXPECT_FALSE(AttemptLimit::parse("3/0"));
  EXPECT_FALSE(AttemptLimit::parse("-1/30"));
  EXPECT_FALSE(AttemptLimit::parse("3/30s"));
}

TEST(ThrottleTest, RefusesBeyondTheLimitWithinTheWindow) {
  Throttle throttle(kThreePer30, kUnlimited, kUnlimited, 6);
  const auto start = ThrottleClock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(throttle.tryAttempt("10.0.0.1", "+1555521000" + std::to_string(i), start));
  }
  EXPECT_EQ(throttle.tryAttempt("10.0.0.1", "+15555219999", start + seconds(29)), "address");
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.2", "+15555219999", start + seconds(29)));
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.1", "+15555219999", start + seconds(30)));
}

TEST(ThrottleTest, LimitsByPhoneAcrossAddresses) {
  Throttle throttle(kUnlimited, AttemptLimit{2, seconds(60)}, kUnlimited, 6);
  const auto now = ThrottleClock::now();
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.1", "+15555215554", now));
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.2", "+15555215554", now));
  EXPECT_EQ(throttle.tryAttempt("10.0.0.3", "+15555215554", now), "phone");
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.3", "+15555215555", now));
}

TEST(ThrottleTest, LimitsByPrefix) {
  Throttle throttle(kUnlimited, kUnlimited, AttemptLimit{2, seconds(60)}, 6);
  const auto now = ThrottleClock::now();
  EXPECT_FALSE(throttle.tryAttempt("a", "+15555210001", now));
  EXPECT_FALSE(throttle.tryAttempt("b", "+15555220002", now));
  // Same first 6 digits (155552) as the two before.
  EXPECT_EQ(throttle.tryAttempt("c", "+15555230003", now), "prefix");
  EXPECT_FALSE(throttle.tryAttempt("d", "+15556230003", now));
}

TEST(ThrottleTest, RefusedAttemptCountsAgainstNoLimit) {
  Throttle throttle(AttemptLimit{1, seconds(60)}, AttemptLimit{1, seconds(60)}, kUnlimited, 6);
  const auto now = ThrottleClock::now();
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.1", "+15555215554", now));
  EXPECT_EQ(throttle.tryAttempt("10.0.0.1", "+15555215555", now), "address");
  // The refused attempt above did not use up +15555215555's single attempt.
  EXPECT_FALSE(throttle.tryAttempt("10.0.0.2", "+15555215555", now));
}

TEST(ThrottleTest, PurgeForgetsOldAttempts) {
  AttemptLog log(AttemptLimit{1, seconds(10)});
  const auto now = ThrottleClock::now();
  log.record("a", now);
  log.record("b", now + seconds(5));
  log.purge(now + seconds(10));
  EXPECT_EQ(log.keys(), 1u);
  EXPECT_TRUE(log.allows("a", now + seconds(10)));
  EXPECT_FALSE(log.allows("b", now + seconds(10)));
}

TEST(ThrottleTest, AddressWithoutPort) {
  EXPECT_EQ(addressWithoutPort("203.0.113.7:5222"), "203.0.113.7");
  EXPECT_EQ(addressWithoutPort("::1:40000"), "::1");
  EXPECT_EQ(addressWithoutPort("unknown"), "unknown");
}

TEST(CodeThrottleTest, CountsEverySubmissionByAddressAndNamedOnesByUser) {
  CodeThrottle throttle(AttemptLimit{3, seconds(60)}, AttemptLimit{2, seconds(60)});
  const auto now = ThrottleClock::now();
  EXPECT_FALSE(throttle.tryAddress("10.0.0.1", now));
  EXPECT_FALSE(throttle.tryUser("alice", now));
  EXPECT_FALSE(throttle.tryAddress("10.0.0.2", now));
  EXPECT_FALSE(throttle.tryUser("alice", now));
  EXPECT_EQ(throttle.tryUser("alice", now), "user");
  EXPECT_FALSE(throttle.tryUser("bob", now));
  // A submission that named no account still counted against its address.
  EXPECT_FALSE(throttle.tryAddress("10.0.0.1", now));
  EXPECT_FALSE(throttle.tryAddress("10.0.0.1", now));
  EXPECT_EQ(throttle.tryAddress("10.0.0.1", now + seconds(59)), "address");
  EXPECT_FALSE(throttle.tryAddress("10.0.0.1", now + seconds(60)));
  EXPECT_FALSE(throttle.tryUser("alice", now + seconds(60)));
}

TEST(CodeThrottleTest, OffMeansUnlimited) {
  CodeThrottle throttle(kUnlimited, kUnlimited);
  const auto now = ThrottleClock::now();
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(throttle.tryAddress("10.0.0.1", now));
    EXPECT_FALSE(throttle.tryUser("alice", now));
  }
}

}  // namespace
}  // namespace kontalk::modules::registration
