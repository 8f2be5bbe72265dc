#include "storage/last_activity_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

class LastActivityStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
  }

  LastActivityStore& last() { return storage().lastActivity(); }
};

TEST_F(LastActivityStoreTest, NothingRecordedIsNullopt) {
  auto found = last().find("alice", "example.org");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(LastActivityStoreTest, RecordReplacesThePreviousOne) {
  ASSERT_TRUE(last().record("alice", "example.org", {100, "gone fishing"}));
  ASSERT_TRUE(last().record("alice", "example.org", {200, ""}));
  auto found = last().find("alice", "example.org");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->at, 200);
  EXPECT_EQ((*found)->status, "");
}

TEST_F(LastActivityStoreTest, UnknownAccountIsNotFound) {
  auto recorded = last().record("bob", "example.org", {100, ""});
  ASSERT_FALSE(recorded);
  EXPECT_EQ(recorded.error().code, StatusCode::NotFound);
  EXPECT_FALSE(last().find("bob", "example.org").value());
}

TEST_F(LastActivityStoreTest, RemovingTheAccountRemovesTheRecord) {
  ASSERT_TRUE(last().record("alice", "example.org", {100, "bye"}));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  ASSERT_TRUE(createAccounts({"alice"}));
  EXPECT_FALSE(last().find("alice", "example.org").value());
}

}  // namespace
}  // namespace kontalk::storage
