#include "storage/offline_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

JournalAppend append(std::string user, std::int64_t id, std::string stanza,
                     std::size_t maxMessages = 0, std::int64_t storedAt = 1000,
                     std::int64_t expiresAt = 2000) {
  return JournalAppend{
      std::move(user),      "example.org",
      "sender@example.org", OfflineMessage{id, std::move(stanza), storedAt, expiresAt},
      maxMessages,          0};
}

JournalAppend appendFrom(std::string user, std::int64_t id, std::string sender,
                         std::size_t maxFromSender, std::size_t maxMessages = 0) {
  return JournalAppend{
      std::move(user),   "example.org",
      std::move(sender), OfflineMessage{id, "<m" + std::to_string(id) + "/>", 1000, 2000},
      maxMessages,       maxFromSender};
}

// A message for `user` on the other server `domain` (the remote queue, spec §7.9).
JournalAppend remoteAppend(std::string user, std::string domain, std::int64_t id,
                           std::int64_t expiresAt = 2000) {
  JournalAppend append{std::move(user),
                       std::move(domain),
                       "alice@example.org",
                       OfflineMessage{id, "<r" + std::to_string(id) + "/>", 1000, expiresAt},
                       0,
                       0};
  append.remote = true;
  return append;
}

std::vector<std::int64_t> idsOf(const Result<std::vector<OfflineMessage>>& messages) {
  EXPECT_TRUE(messages) << messages.error().message;
  std::vector<std::int64_t> ids;
  if (messages) {
    for (const auto& message : *messages) ids.push_back(message.id);
  }
  return ids;
}

class OfflineStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice", "bob"}));
  }

  OfflineStore& offline() { return storage().offline(); }

  std::vector<std::string> stanzasOf(const std::string& user, std::int64_t now = 1500) {
    auto pending = offline().pending(user, "example.org", now, 0, PendingLimit{100, 0});
    EXPECT_TRUE(pending) << pending.error().message;
    std::vector<std::string> stanzas;
    for (const auto& stored : *pending) stanzas.push_back(stored.stanza);
    return stanzas;
  }
};

TEST_F(OfflineStoreTest, PendingReturnsMessagesInIdOrderPerAccount) {
  auto outcomes = offline().commit(
      {append("alice", 1, "<m1/>"), append("bob", 2, "<b/>"), append("alice", 5, "<m2/>")}, {});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  EXPECT_EQ(*outcomes, std::vector<AppendOutcome>(3, AppendOutcome::Stored));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>", "<m2/>"}));
  EXPECT_EQ(stanzasOf("bob"), (std::vector<std::string>{"<b/>"}));
}

TEST_F(OfflineStoreTest, KeepsIdsBinaryContentAndTimes) {
  const std::string stanza("<m>\0\xff</m>", 9);
  ASSERT_TRUE(offline().commit({append("alice", 42, stanza, 0, 1100, 1900)}, {}));
  auto pending = offline().pending("alice", "example.org", 1500, 0, PendingLimit{10, 0});
  ASSERT_TRUE(pending && pending->size() == 1);
  EXPECT_EQ((*pending)[0].id, 42);
  EXPECT_EQ((*pending)[0].stanza, stanza);
  EXPECT_EQ((*pending)[0].storedAt, 1100);
  EXPECT_EQ((*pending)[0].expiresAt, 1900);
}

TEST_F(OfflineStoreTest, PendingHonoursTheCursorAndTheLimit) {
  ASSERT_TRUE(offline().commit(
      {append("alice", 1, "<m1/>"), append("alice", 2, "<m2/>"), append("alice", 3, "<m3/>")}, {}));
  auto pending = offline().pending("alice", "example.org", 1500, 1, PendingLimit{1, 0});
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].stanza, "<m2/>");
}

TEST_F(OfflineStoreTest, QuotaCountsUnexpiredMessagesIncludingEarlierOnesOfTheBatch) {
  ASSERT_TRUE(offline().commit({append("alice", 1, "<old/>", 0, 100, 200)}, {}));
  auto outcomes = offline().commit({append("alice", 2, "<m1/>", 2), append("alice", 3, "<m2/>", 2),
                                    append("alice", 4, "<m3/>", 2), append("bob", 5, "<b/>", 2),
                                    append("alice", 6, "<unlimited/>")},
                                   {});
  ASSERT_TRUE(outcomes);
  EXPECT_EQ(*outcomes, (std::vector<AppendOutcome>{AppendOutcome::Stored, AppendOutcome::Stored,
                                                   AppendOutcome::QuotaExceeded,
                                                   AppendOutcome::Stored, AppendOutcome::Stored}));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>", "<m2/>", "<unlimited/>"}));
}

TEST_F(OfflineStoreTest, PendingStopsAfterTheMessageThatReachesTheByteLimit) {
  ASSERT_TRUE(offline().commit(
      {append("alice", 1, std::string(600, 'a')), append("alice", 2, std::string(600, 'b')),
       append("alice", 3, std::string(600, 'c'))},
      {}));
  auto window = offline().pending("alice", "example.org", 1500, 0, PendingLimit{10, 1000});
  ASSERT_TRUE(window);
  ASSERT_EQ(window->size(), 2u);
  EXPECT_EQ((*window)[1].id, 2);
  // A single message larger than the limit is still read, alone.
  window = offline().pending("alice", "example.org", 1500, 0, PendingLimit{10, 100});
  ASSERT_TRUE(window);
  ASSERT_EQ(window->size(), 1u);
  EXPECT_EQ((*window)[0].id, 1);
}

TEST_F(OfflineStoreTest, OneSenderFillsOnlyItsShareAndOthersStillGetThrough) {
  auto outcomes = offline().commit({appendFrom("alice", 1, "mallory@example.org", 2, 4),
                                    appendFrom("alice", 2, "mallory@example.org", 2, 4),
                                    appendFrom("alice", 3, "mallory@example.org", 2, 4),
                                    appendFrom("bob", 4, "mallory@example.org", 2, 4),
                                    appendFrom("alice", 5, "carol@example.org", 2, 4),
                                    appendFrom("alice", 6, "dave@example.org", 2, 4),
                                    appendFrom("alice", 7, "erin@example.org", 2, 4)},
                                   {});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  EXPECT_EQ(*outcomes, (std::vector<AppendOutcome>{
                           AppendOutcome::Stored, AppendOutcome::Stored,
                           AppendOutcome::SenderQuotaExceeded,  // mallory's share of alice's
                           AppendOutcome::Stored,               // bob's queue is another
                           AppendOutcome::Stored, AppendOutcome::Stored,
                           AppendOutcome::QuotaExceeded}));  // the whole quota comes first
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>", "<m2/>", "<m5/>", "<m6/>"}));
}

TEST_F(OfflineStoreTest, UnknownAccountIsReportedAndTheRestOfTheBatchIsStored) {
  auto outcomes = offline().commit({append("carol", 1, "<m/>"), append("alice", 2, "<m/>")}, {});
  ASSERT_TRUE(outcomes);
  EXPECT_EQ(*outcomes,
            (std::vector<AppendOutcome>{AppendOutcome::NoSuchAccount, AppendOutcome::Stored}));
  EXPECT_EQ(stanzasOf("alice").size(), 1u);
}

TEST_F(OfflineStoreTest, RemovalsComeAfterTheAppendsAndIgnoreUnknownIds) {
  ASSERT_TRUE(offline().commit({append("alice", 1, "<m1/>"), append("bob", 2, "<b/>")}, {}));
  ASSERT_TRUE(
      offline().commit({append("alice", 3, "<m2/>"), append("alice", 4, "<m3/>")}, {1, 4, 99}));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m2/>"}));
  EXPECT_EQ(stanzasOf("bob"), (std::vector<std::string>{"<b/>"}));
}

TEST_F(OfflineStoreTest, HighestIdRemembersRemovedMessages) {
  auto empty = offline().highestId();
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, 0);
  ASSERT_TRUE(offline().commit({append("alice", 7, "<m1/>")}, {}));
  ASSERT_TRUE(offline().commit({}, {7}));
  auto highest = offline().highestId();
  ASSERT_TRUE(highest);
  EXPECT_EQ(*highest, 7);
}

TEST_F(OfflineStoreTest, CountsLocalAndRemoteMessages) {
  ASSERT_TRUE(offline().commit(
      {append("alice", 1, "<m1/>"), append("bob", 2, "<b/>"), remoteAppend("carol", "b.test", 3)},
      {}));
  ASSERT_TRUE(offline().commit({}, {2}));
  auto counts = offline().countStored();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->local, 1);
  EXPECT_EQ(counts->remote, 1);
}

TEST_F(OfflineStoreTest, ExpiredMessagesAreHiddenAndPurged) {
  ASSERT_TRUE(offline().commit(
      {append("alice", 1, "<old/>", 0, 100, 1200), append("alice", 2, "<new/>", 0, 100, 3000)},
      {}));
  EXPECT_EQ(stanzasOf("alice", 1200), (std::vector<std::string>{"<new/>"}));
  auto purged = offline().purgeExpired(1200);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(stanzasOf("alice", 0), (std::vector<std::string>{"<new/>"}));
}

TEST_F(OfflineStoreTest, RemovingTheAccountRemovesItsMessages) {
  ASSERT_TRUE(offline().commit({append("alice", 1, "<m1/>")}, {}));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  ASSERT_TRUE(createAccounts({"alice"}));
  EXPECT_TRUE(stanzasOf("alice").empty());
}

TEST_F(OfflineStoreTest, MessagesSurviveReopening) {
  ASSERT_TRUE(offline().commit({append("alice", 1, "<m1/>")}, {}));
  ASSERT_TRUE(reopen());
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>"}));
}

// The remote queue needs no account (the recipient is on another server) and shares ids with
// local accounts' messages, so that one journal numbers both.
TEST_F(OfflineStoreTest, RemoteQueueKeepsMessagesPerDomainWithoutAnAccount) {
  auto outcomes =
      offline().commit({remoteAppend("bob", "b.test", 1), append("alice", 2, "<l/>"),
                        remoteAppend("carol", "c.test", 3), remoteAppend("dan", "b.test", 4)},
                       {});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  EXPECT_EQ(*outcomes, std::vector<AppendOutcome>(4, AppendOutcome::Stored));
  auto domains = offline().remoteDomains(1500);
  ASSERT_TRUE(domains);
  std::sort(domains->begin(), domains->end());
  EXPECT_EQ(*domains, (std::vector<std::string>{"b.test", "c.test"}));
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 0, {100, 0})),
            (std::vector<std::int64_t>{1, 4}));
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 1, {100, 0})),
            (std::vector<std::int64_t>{4}));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<l/>"}));
  auto highest = offline().highestId();
  ASSERT_TRUE(highest);
  EXPECT_EQ(*highest, 4);
  // Removal by id reaches either table.
  ASSERT_TRUE(offline().commit({}, {1, 2}));
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 0, {100, 0})),
            (std::vector<std::int64_t>{4}));
  EXPECT_TRUE(stanzasOf("alice").empty());
}

// Expired remote messages are not purged silently: they are listed for bouncing to their
// senders (spec §7.9), and hidden from delivery.
TEST_F(OfflineStoreTest, ExpiredRemoteMessagesAreListedNotPurged) {
  ASSERT_TRUE(offline().commit(
      {remoteAppend("bob", "b.test", 1, 1200), remoteAppend("bob", "b.test", 2, 3000)}, {}));
  auto purged = offline().purgeExpired(1200);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 0);
  EXPECT_EQ(idsOf(offline().expiredRemote(1200, 10)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1200, 0, {100, 0})),
            (std::vector<std::int64_t>{2}));
  auto domains = offline().remoteDomains(3000);
  ASSERT_TRUE(domains);
  EXPECT_TRUE(domains->empty());
}

TEST_F(OfflineStoreTest, RemoteQueueSurvivesReopening) {
  ASSERT_TRUE(offline().commit({remoteAppend("bob", "b.test", 9)}, {}));
  ASSERT_TRUE(reopen());
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 0, {100, 0})),
            (std::vector<std::int64_t>{9}));
}

// Messages stored at the same second, appended out of id order: the id alone is the delivery
// order, whatever the backend returns first for equal timestamps.
TEST_F(OfflineStoreTest, EqualTimestampsAreDeliveredInIdOrder) {
  ASSERT_TRUE(offline().commit(
      {append("alice", 30, "<m30/>"), append("alice", 10, "<m10/>"), append("alice", 20, "<m20/>")},
      {}));
  ASSERT_TRUE(offline().commit({append("alice", 15, "<m15/>")}, {}));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m10/>", "<m15/>", "<m20/>", "<m30/>"}));
  EXPECT_EQ(idsOf(offline().pending("alice", "example.org", 1500, 10, PendingLimit{2, 0})),
            (std::vector<std::int64_t>{15, 20}));
}

// Stanzas are bytes: NUL bytes, bytes that are not UTF-8 and an empty stanza come back as
// stored, from both queues, and the byte limit counts bytes.
TEST_F(OfflineStoreTest, StanzasAreKeptAsBytesInBothQueues) {
  constexpr char kBinary[] = "\0<m>\0\xff\xfe\\x00'\"</m>\0";
  const std::string binary(kBinary, sizeof(kBinary) - 1);
  JournalAppend remote = remoteAppend("bob", "b.test", 2);
  remote.message.stanza = binary;
  ASSERT_TRUE(offline().commit({append("alice", 1, binary), remote, append("alice", 3, "")}, {}));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{binary, ""}));
  auto pendingRemote = offline().pendingRemote("b.test", 1500, 0, {10, 0});
  ASSERT_TRUE(pendingRemote && pendingRemote->size() == 1);
  EXPECT_EQ((*pendingRemote)[0].stanza, binary);
  auto expired = offline().expiredRemote(2000, 10);
  ASSERT_TRUE(expired && expired->size() == 1);
  EXPECT_EQ((*expired)[0].stanza, binary);
  auto window = offline().pending("alice", "example.org", 1500, 0, PendingLimit{10, binary.size()});
  ASSERT_TRUE(window);
  EXPECT_EQ(window->size(), 1u) << "the first stanza's bytes reach the limit";
}

// Appends without quota (live deliveries, the remote queue) and appends with one, interleaved:
// each quota counts exactly the appends before it in the batch, not those after it.
TEST_F(OfflineStoreTest, QuotasCountOnlyTheAppendsBeforeThemWhateverTheirKind) {
  auto outcomes = offline().commit(
      {append("alice", 1, "<m1/>"), append("alice", 2, "<m2/>", 2), append("alice", 3, "<m3/>"),
       append("carol", 4, "<c/>"), remoteAppend("dan", "b.test", 5), append("alice", 6, "<m6/>", 4),
       append("alice", 7, "<m7/>", 4), append("alice", 8, "<m8/>")},
      {});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  EXPECT_EQ(*outcomes,
            (std::vector<AppendOutcome>{AppendOutcome::Stored, AppendOutcome::Stored,
                                        AppendOutcome::Stored, AppendOutcome::NoSuchAccount,
                                        AppendOutcome::Stored, AppendOutcome::Stored,
                                        AppendOutcome::QuotaExceeded, AppendOutcome::Stored}));
  EXPECT_EQ(stanzasOf("alice"),
            (std::vector<std::string>{"<m1/>", "<m2/>", "<m3/>", "<m6/>", "<m8/>"}));
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 0, {10, 0})),
            (std::vector<std::int64_t>{5}));
}

// The byte limit applies to the remote queue's windows too.
TEST_F(OfflineStoreTest, RemoteWindowsStopAfterTheMessageThatReachesTheByteLimit) {
  ASSERT_TRUE(offline().commit({remoteAppend("bob", "b.test", 1), remoteAppend("bob", "b.test", 2),
                                remoteAppend("bob", "b.test", 3)},
                               {}));
  // Each stanza is "<rN/>": 5 bytes.
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 0, {10, 6})),
            (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(idsOf(offline().pendingRemote("b.test", 1500, 1, {10, 5})),
            (std::vector<std::int64_t>{2}));
}

// The journal commits whatever accumulated since the last commit in one batch: thousands of
// appends and removals in one transaction, the quota still counting the batch's own appends.
TEST_F(OfflineStoreTest, ALargeBatchIsOneCommitWithItsQuotas) {
  std::vector<JournalAppend> appends;
  for (std::int64_t id = 1; id <= 3000; ++id) {
    appends.push_back(append(id % 2 == 0 ? "alice" : "bob", id, "<m" + std::to_string(id) + "/>",
                             id % 2 == 0 ? 1000 : 0));
  }
  auto outcomes = offline().commit(appends, {});
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3000u);
  EXPECT_EQ(std::count(outcomes->begin(), outcomes->end(), AppendOutcome::Stored), 2500);
  EXPECT_EQ((*outcomes)[1999], AppendOutcome::Stored);         // alice's 1000th
  EXPECT_EQ((*outcomes)[2001], AppendOutcome::QuotaExceeded);  // alice's 1001st
  std::vector<std::int64_t> removals;
  for (std::int64_t id = 1; id <= 3000; id += 2) removals.push_back(id);  // all of bob's
  removals.push_back(2);
  ASSERT_TRUE(offline().commit({}, removals));
  auto counts = offline().countStored();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->local, 999);
  EXPECT_TRUE(stanzasOf("bob").empty());
  auto highest = offline().highestId();
  ASSERT_TRUE(highest);
  EXPECT_EQ(*highest, 2999) << "the highest id stored; alice's refused 3000 was not";
}

// A batch is one transaction: when one of its statements fails, none of it is kept.
TEST_F(OfflineStoreTest, AFailingBatchKeepsNothing) {
  ASSERT_TRUE(offline().commit({append("alice", 1, "<m1/>")}, {}));
  auto failed = offline().commit({append("bob", 2, "<b/>"), append("alice", 1, "<again/>")}, {1});
  ASSERT_FALSE(failed);
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>"}));
  EXPECT_TRUE(stanzasOf("bob").empty());
}

TEST_F(OfflineStoreTest, HighestIdSurvivesRemovalAndReopening) {
  ASSERT_TRUE(
      offline().commit({append("alice", 7, "<m1/>"), remoteAppend("bob", "b.test", 9)}, {}));
  ASSERT_TRUE(offline().commit({append("alice", 8, "<m2/>")}, {7, 8, 9}));
  ASSERT_TRUE(reopen());
  auto highest = offline().highestId();
  ASSERT_TRUE(highest);
  EXPECT_GE(*highest, 8);
  auto counts = offline().countStored();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->local + counts->remote, 0);
}

}  // namespace
}  // namespace kontalk::storage
