#include "modules/offline/journal_ids.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace kontalk::modules::offline {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::system_clock::time_point(1'790'000'000'000ms);

TEST(JournalIdClockTest, IdsOfOneNodeIncreaseAndCarryTheNode) {
  JournalIdClock clock(7, 0);
  api::JournalId previous = 0;
  for (int i = 0; i < 10'000; ++i) {  // more than one millisecond's sequence
    const auto id = clock.next(kNow);
    EXPECT_GT(id, previous);
    EXPECT_EQ(JournalIdClock::nodeOf(id), 7);
    previous = id;
  }
}

TEST(JournalIdClockTest, NodesNeverGiveTheSameId) {
  // Three nodes of one database, the same clock, interleaved: no id twice.
  JournalIdClock a(1, 0), b(2, 0), c(3, 0);
  std::set<api::JournalId> seen;
  for (int i = 0; i < 6000; ++i) {
    const auto now = kNow + std::chrono::milliseconds(i / 3000);
    EXPECT_TRUE(seen.insert(a.next(now)).second);
    EXPECT_TRUE(seen.insert(b.next(now)).second);
    EXPECT_TRUE(seen.insert(c.next(now)).second);
  }
}

TEST(JournalIdClockTest, StaysAboveTheStoredIdsWhenTheClockIsBehind) {
  JournalIdClock before(5, 0);
  const auto stored = before.next(kNow + 1h);
  JournalIdClock after(5, stored);  // restarted with a clock an hour behind
  const auto id = after.next(kNow);
  EXPECT_GT(id, stored);
  EXPECT_EQ(JournalIdClock::nodeOf(id), 5);
  // Above another node's id as well, with this node's bits intact.
  JournalIdClock higherNode(9, 0);
  const auto other = higherNode.next(kNow + 2h);
  JournalIdClock lowerNode(2, other);
  const auto next = lowerNode.next(kNow);
  EXPECT_GT(next, other);
  EXPECT_EQ(JournalIdClock::nodeOf(next), 2);
}

TEST(JournalIdClockTest, OldCounterIdsStayBelowNewOnes) {
  JournalIdClock clock(0, 123'456);
  EXPECT_GT(clock.next(kNow), 123'456);
  EXPECT_EQ(JournalIdClock::millisecondOf(123'456), 0);
}

TEST(JournalIdClockTest, RefusesANodeIdBeyondTenBits) {
  EXPECT_THROW(JournalIdClock(1024, 0), std::invalid_argument);
}

}  // namespace
}  // namespace kontalk::modules::offline
