#include "modules/push/push_coalescer.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::push {
namespace {

using std::chrono::seconds;
using Verdict = PushCoalescer::Verdict;

const PushCoalescer::Clock::time_point kStart{seconds(1000)};

TEST(PushCoalescerTest, FirstTriggerPushesAtOnceAndABurstGivesOneMoreAtTheIntervalEnd) {
  PushCoalescer coalescer({seconds(10), 12, 100});
  EXPECT_EQ(coalescer.trigger("a@x", kStart), Verdict::PushNow);
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(coalescer.trigger("a@x", kStart + seconds(i) / 5), Verdict::Deferred);
  }
  EXPECT_TRUE(coalescer.takeDue(kStart + seconds(9)).empty());
  EXPECT_EQ(coalescer.takeDue(kStart + seconds(10)), std::vector<std::string>{"a@x"});
  EXPECT_TRUE(coalescer.takeDue(kStart + seconds(20)).empty());  // one follow-up only
}

TEST(PushCoalescerTest, AccountsAreCoalescedApart) {
  PushCoalescer coalescer({seconds(10), 12, 100});
  EXPECT_EQ(coalescer.trigger("a@x", kStart), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("b@x", kStart), Verdict::PushNow);
}

TEST(PushCoalescerTest, ATriggerAfterTheIntervalPushesAtOnce) {
  PushCoalescer coalescer({seconds(10), 12, 100});
  EXPECT_EQ(coalescer.trigger("a@x", kStart), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("a@x", kStart + seconds(11)), Verdict::PushNow);
}

TEST(PushCoalescerTest, PushesPerMinuteAreBounded) {
  PushCoalescer coalescer({seconds(0), 2, 100});
  EXPECT_EQ(coalescer.trigger("a@x", kStart), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("a@x", kStart + seconds(1)), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("a@x", kStart + seconds(2)), Verdict::RateLimited);
  EXPECT_EQ(coalescer.trigger("a@x", kStart + seconds(61)), Verdict::PushNow);
}

TEST(PushCoalescerTest, TheTableIsBoundedAndPrunedOfOldAccounts) {
  PushCoalescer coalescer({seconds(10), 12, 2});
  EXPECT_EQ(coalescer.trigger("a@x", kStart), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("b@x", kStart), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("c@x", kStart + seconds(1)), Verdict::TooManyAccounts);
  // A minute later a and b are forgotten to make room.
  EXPECT_EQ(coalescer.trigger("c@x", kStart + seconds(61)), Verdict::PushNow);
  EXPECT_LE(coalescer.trackedAccounts(), 2u);
}

TEST(PushCoalescerTest, ADeferredPushKeepsItsAccountInTheTable) {
  PushCoalescer coalescer({seconds(10), 12, 100});
  EXPECT_EQ(coalescer.trigger("a@x", kStart), Verdict::PushNow);
  EXPECT_EQ(coalescer.trigger("a@x", kStart + seconds(1)), Verdict::Deferred);
  coalescer.prune(kStart + seconds(120));
  EXPECT_EQ(coalescer.takeDue(kStart + seconds(120)), std::vector<std::string>{"a@x"});
}

}  // namespace
}  // namespace kontalk::modules::push
