#include "storage/sqlite/sqlite_offline_store.hpp"

#include <gtest/gtest.h>

#include "storage/storage.hpp"
#include "temporary_directory.hpp"

namespace kontalk::storage::sqlite {
namespace {

OfflineMessage message(std::string stanza, std::int64_t storedAt = 1000,
                       std::int64_t expiresAt = 2000) {
  return OfflineMessage{0, std::move(stanza), storedAt, expiresAt};
}

class SqliteOfflineStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.path = (directory_.path() / "kontalk.db").string();
    auto opened = openStorage(config_);
    ASSERT_TRUE(opened) << opened.error().message;
    storage_ = std::move(*opened);
    ASSERT_TRUE(storage_->migrate());
    for (const char* user : {"alice", "bob"}) {
      ASSERT_TRUE(storage_->accounts().create(Account{user, "example.org", {}, {}, 1}));
    }
  }

  OfflineStore& offline() { return storage_->offline(); }

  std::vector<std::string> stanzasOf(const std::string& user, std::int64_t now = 1500) {
    auto pending = offline().pending(user, "example.org", now, 100);
    EXPECT_TRUE(pending) << pending.error().message;
    std::vector<std::string> stanzas;
    for (const auto& stored : *pending) stanzas.push_back(stored.stanza);
    return stanzas;
  }

  testing::TemporaryDirectory directory_;
  StorageConfig config_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(SqliteOfflineStoreTest, PendingReturnsMessagesInArrivalOrderPerAccount) {
  for (const char* text : {"<m1/>", "<m2/>", "<m3/>"}) {
    auto stored = offline().enqueue("alice", "example.org", message(text), 10);
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(*stored, EnqueueOutcome::Stored);
  }
  ASSERT_TRUE(offline().enqueue("bob", "example.org", message("<b/>"), 10));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>", "<m2/>", "<m3/>"}));
  EXPECT_EQ(stanzasOf("bob"), (std::vector<std::string>{"<b/>"}));
}

TEST_F(SqliteOfflineStoreTest, KeepsBinaryContentAndTimes) {
  const std::string stanza("<m>\0\xff</m>", 9);
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message(stanza, 1100, 1900), 10));
  auto pending = offline().pending("alice", "example.org", 1500, 10);
  ASSERT_TRUE(pending && pending->size() == 1);
  EXPECT_EQ((*pending)[0].stanza, stanza);
  EXPECT_EQ((*pending)[0].storedAt, 1100);
  EXPECT_EQ((*pending)[0].expiresAt, 1900);
}

TEST_F(SqliteOfflineStoreTest, PendingHonoursTheLimit) {
  for (const char* text : {"<m1/>", "<m2/>", "<m3/>"}) {
    ASSERT_TRUE(offline().enqueue("alice", "example.org", message(text), 10));
  }
  auto pending = offline().pending("alice", "example.org", 1500, 2);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[1].stanza, "<m2/>");
}

TEST_F(SqliteOfflineStoreTest, QuotaCountsOnlyUnexpiredMessages) {
  ASSERT_EQ(offline().enqueue("alice", "example.org", message("<old/>", 100, 200), 2).value(),
            EnqueueOutcome::Stored);
  ASSERT_EQ(offline().enqueue("alice", "example.org", message("<m1/>"), 2).value(),
            EnqueueOutcome::Stored);
  ASSERT_EQ(offline().enqueue("alice", "example.org", message("<m2/>"), 2).value(),
            EnqueueOutcome::Stored);
  EXPECT_EQ(offline().enqueue("alice", "example.org", message("<m3/>"), 2).value(),
            EnqueueOutcome::QuotaExceeded);
  // Another account's quota is its own.
  EXPECT_EQ(offline().enqueue("bob", "example.org", message("<b/>"), 2).value(),
            EnqueueOutcome::Stored);
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>", "<m2/>"}));
}

TEST_F(SqliteOfflineStoreTest, UnknownAccountIsNotFound) {
  auto stored = offline().enqueue("carol", "example.org", message("<m/>"), 10);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().kind, StorageErrorKind::NotFound);
}

TEST_F(SqliteOfflineStoreTest, RemoveDeletesOnlyTheAccountsGivenMessages) {
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<m1/>"), 10));
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<m2/>"), 10));
  ASSERT_TRUE(offline().enqueue("bob", "example.org", message("<b/>"), 10));
  auto alices = offline().pending("alice", "example.org", 1500, 10);
  auto bobs = offline().pending("bob", "example.org", 1500, 10);
  ASSERT_TRUE(alices && bobs);
  // Bob's id in alice's removal is ignored.
  ASSERT_TRUE(offline().remove("alice", "example.org", {(*alices)[0].id, (*bobs)[0].id}));
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m2/>"}));
  EXPECT_EQ(stanzasOf("bob"), (std::vector<std::string>{"<b/>"}));
}

TEST_F(SqliteOfflineStoreTest, IdsKeepIncreasingAfterTheNewestWasRemoved) {
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<m1/>"), 10));
  auto first = offline().pending("alice", "example.org", 1500, 10);
  ASSERT_TRUE(first && first->size() == 1);
  ASSERT_TRUE(offline().remove("alice", "example.org", {(*first)[0].id}));
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<m2/>"), 10));
  auto second = offline().pending("alice", "example.org", 1500, 10);
  ASSERT_TRUE(second && second->size() == 1);
  EXPECT_GT((*second)[0].id, (*first)[0].id);
}

TEST_F(SqliteOfflineStoreTest, ExpiredMessagesAreHiddenAndPurged) {
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<old/>", 100, 1200), 10));
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<new/>", 100, 3000), 10));
  EXPECT_EQ(stanzasOf("alice", 1200), (std::vector<std::string>{"<new/>"}));
  auto purged = offline().purgeExpired(1200);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(stanzasOf("alice", 0), (std::vector<std::string>{"<new/>"}));
}

TEST_F(SqliteOfflineStoreTest, RemovingTheAccountRemovesItsMessages) {
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<m1/>"), 10));
  ASSERT_TRUE(storage_->accounts().remove("alice", "example.org"));
  ASSERT_TRUE(storage_->accounts().create(Account{"alice", "example.org", {}, {}, 1}));
  EXPECT_TRUE(stanzasOf("alice").empty());
}

TEST_F(SqliteOfflineStoreTest, MessagesSurviveReopening) {
  ASSERT_TRUE(offline().enqueue("alice", "example.org", message("<m1/>"), 10));
  storage_.reset();
  auto reopened = openStorage(config_);
  ASSERT_TRUE(reopened);
  storage_ = std::move(*reopened);
  EXPECT_EQ(stanzasOf("alice"), (std::vector<std::string>{"<m1/>"}));
}

}  // namespace
}  // namespace kontalk::storage::sqlite
