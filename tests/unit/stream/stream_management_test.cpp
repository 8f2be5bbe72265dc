#include "stream/stream_management.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace kontalk::stream {
namespace {

xml::Element message(int number) {
  xml::Element stanza("message", "jabber:client");
  stanza.setAttribute("id", std::to_string(number));
  return stanza;
}

// Journal records settled by an acknowledgement; most tests do not look at them.
std::vector<api::JournalId> settled;

TEST(StreamManagementTest, AcknowledgementDropsTheOldestStanzas) {
  StreamManagement sm;
  sm.enable(true);
  for (int i = 1; i <= 3; ++i) sm.recordOutbound(message(i));
  EXPECT_TRUE(sm.acknowledge(2, settled));
  ASSERT_EQ(sm.unacknowledged().size(), 1u);
  EXPECT_EQ(sm.unacknowledged().front().stanza.attribute("id"), "3");
  EXPECT_TRUE(sm.acknowledge(2, settled));  // a repeated <a/> changes nothing
  EXPECT_EQ(sm.unacknowledged().size(), 1u);
}

TEST(StreamManagementTest, AcknowledgingMoreThanWasSentIsRefused) {
  StreamManagement sm;
  sm.enable(false);
  sm.recordOutbound(message(1));
  EXPECT_FALSE(sm.acknowledge(2, settled));
  EXPECT_EQ(sm.unacknowledged().size(), 1u);
  EXPECT_EQ(sm.acknowledgedCount(), 0u);
}

TEST(StreamManagementTest, AcknowledgementsWrapAroundAt2To32) {
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  StreamManagement sm(0, kMax - 1);  // the client has acknowledged 2^32 - 2 stanzas so far
  sm.enable(true);
  for (int i = 1; i <= 4; ++i) sm.recordOutbound(message(i));
  // Three more acknowledged: h goes 2^32 - 2 -> 2^32 - 1 -> 0 -> 1.
  EXPECT_TRUE(sm.acknowledge(1, settled));
  ASSERT_EQ(sm.unacknowledged().size(), 1u);
  EXPECT_EQ(sm.unacknowledged().front().stanza.attribute("id"), "4");
  EXPECT_FALSE(sm.acknowledge(3, settled));  // beyond what was sent, even across the wrap
  EXPECT_TRUE(sm.acknowledge(2, settled));
  EXPECT_TRUE(sm.unacknowledged().empty());
}

TEST(StreamManagementTest, AcknowledgementSettlesTheJournalRecordsOfWhatItCovers) {
  StreamManagement sm;
  sm.enable(true);
  sm.recordOutbound(message(1), 11);
  sm.recordOutbound(message(2));  // not a recorded message
  sm.recordOutbound(message(3), 13);
  sm.recordOutbound(message(4), 14);
  std::vector<api::JournalId> ids;
  EXPECT_TRUE(sm.acknowledge(3, ids));
  EXPECT_EQ(ids, (std::vector<api::JournalId>{11, 13}));
  EXPECT_FALSE(sm.acknowledge(5, ids));
  EXPECT_EQ(ids.size(), 2u);
  ASSERT_EQ(sm.unacknowledged().size(), 1u);
  EXPECT_EQ(sm.unacknowledged().front().journalId, 14);
}

TEST(StreamManagementTest, InboundCountWrapsToZero) {
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  StreamManagement sm(kMax, 0);
  sm.enable(true);
  sm.countInbound();
  EXPECT_EQ(sm.inboundCount(), 0u);
  sm.countInbound();
  EXPECT_EQ(sm.inboundCount(), 1u);
}

TEST(StreamManagementTest, TakingTheQueueCountsItAsHandled) {
  StreamManagement sm;
  sm.enable(true);
  sm.recordOutbound(message(1));
  sm.recordOutbound(message(2));
  EXPECT_EQ(sm.takeUnacknowledged().size(), 2u);
  EXPECT_EQ(sm.acknowledgedCount(), 2u);
  EXPECT_TRUE(sm.unacknowledged().empty());
}

}  // namespace
}  // namespace kontalk::stream
