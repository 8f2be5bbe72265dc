// Numbering an outbound link's stanzas and settling its recorded messages by acknowledgement
// (spec §7.9; XEP-0198 §4 'h', ping answers).

#include "s2s/unacknowledged_messages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace kontalk::s2s {
namespace {

using Ids = std::vector<api::JournalId>;

TEST(UnacknowledgedMessages, AnAcknowledgementSettlesTheRecordedMessagesItCovers) {
  UnacknowledgedMessages messages;
  messages.recordSent(11);  // stanza 1
  messages.recordSent(0);   // stanza 2: a presence, nothing to settle
  messages.recordSent(12);  // stanza 3
  messages.recordSent(13);  // stanza 4
  EXPECT_EQ(messages.sentCount(), 4u);
  Ids settled;
  ASSERT_TRUE(messages.acknowledge(3, settled));
  EXPECT_EQ(settled, (Ids{11, 12}));
  EXPECT_EQ(messages.size(), 1u);
  settled.clear();
  ASSERT_TRUE(messages.acknowledge(3, settled));  // an unsolicited repeat: nothing new
  EXPECT_TRUE(settled.empty());
  ASSERT_TRUE(messages.acknowledge(4, settled));
  EXPECT_EQ(settled, (Ids{13}));
  EXPECT_TRUE(messages.empty());
}

TEST(UnacknowledgedMessages, MoreThanWasSentIsRefusedAndChangesNothing) {
  UnacknowledgedMessages messages;
  messages.recordSent(21);
  messages.recordSent(22);
  Ids settled;
  EXPECT_FALSE(messages.acknowledge(3, settled));
  EXPECT_TRUE(settled.empty());
  EXPECT_EQ(messages.size(), 2u);
  ASSERT_TRUE(messages.acknowledge(1, settled));
  // Going back counts as too high too (with the wrap it is 2^32 - 1 more).
  EXPECT_FALSE(messages.acknowledge(0, settled));
  EXPECT_EQ(settled, (Ids{21}));
  EXPECT_EQ(messages.acknowledgedCount(), 1u);
}

TEST(UnacknowledgedMessages, CountsWrapAt32Bits) {
  UnacknowledgedMessages messages(UINT32_MAX - 1);
  messages.recordSent(31);  // number 2^32 - 1
  messages.recordSent(32);  // number 0
  messages.recordSent(33);  // number 1
  EXPECT_EQ(messages.sentCount(), 1u);
  Ids settled;
  ASSERT_TRUE(messages.acknowledge(0, settled));
  EXPECT_EQ(settled, (Ids{31, 32}));
  EXPECT_FALSE(messages.acknowledge(2, settled));
  ASSERT_TRUE(messages.acknowledge(1, settled));
  EXPECT_EQ(settled, (Ids{31, 32, 33}));
}

TEST(UnacknowledgedMessages, TakeAllHandsBackWhatWaitsOldestFirst) {
  UnacknowledgedMessages messages;
  messages.recordSent(41);
  messages.recordSent(42);
  Ids settled;
  ASSERT_TRUE(messages.acknowledge(1, settled));
  messages.recordSent(43);
  EXPECT_EQ(messages.takeAll(), (Ids{42, 43}));
  EXPECT_TRUE(messages.empty());
}

}  // namespace
}  // namespace kontalk::s2s
