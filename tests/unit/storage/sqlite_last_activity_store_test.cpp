#include "storage/sqlite/sqlite_last_activity_store.hpp"

#include <gtest/gtest.h>

#include "storage/storage.hpp"
#include "temporary_directory.hpp"

namespace kontalk::storage::sqlite {
namespace {

class SqliteLastActivityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.path = (directory_.path() / "kontalk.db").string();
    auto opened = openStorage(config_);
    ASSERT_TRUE(opened) << opened.error().message;
    storage_ = std::move(*opened);
    ASSERT_TRUE(storage_->migrate());
    ASSERT_TRUE(storage_->accounts().create(Account{"alice", "example.org", {}, {}, 1}));
  }

  LastActivityStore& last() { return storage_->lastActivity(); }

  testing::TemporaryDirectory directory_;
  StorageConfig config_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(SqliteLastActivityStoreTest, NothingRecordedIsNullopt) {
  auto found = last().find("alice", "example.org");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(SqliteLastActivityStoreTest, RecordReplacesThePreviousOne) {
  ASSERT_TRUE(last().record("alice", "example.org", {100, "gone fishing"}));
  ASSERT_TRUE(last().record("alice", "example.org", {200, ""}));
  auto found = last().find("alice", "example.org");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->at, 200);
  EXPECT_EQ((*found)->status, "");
}

TEST_F(SqliteLastActivityStoreTest, UnknownAccountIsNotFound) {
  auto recorded = last().record("bob", "example.org", {100, ""});
  ASSERT_FALSE(recorded);
  EXPECT_EQ(recorded.error().kind, StorageErrorKind::NotFound);
  EXPECT_FALSE(last().find("bob", "example.org").value());
}

TEST_F(SqliteLastActivityStoreTest, RemovingTheAccountRemovesTheRecord) {
  ASSERT_TRUE(last().record("alice", "example.org", {100, "bye"}));
  ASSERT_TRUE(storage_->accounts().remove("alice", "example.org"));
  ASSERT_TRUE(storage_->accounts().create(Account{"alice", "example.org", {}, {}, 1}));
  EXPECT_FALSE(last().find("alice", "example.org").value());
}

}  // namespace
}  // namespace kontalk::storage::sqlite
