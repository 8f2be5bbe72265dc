#include "storage/blocking_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

using Jids = std::vector<std::string>;

class BlockingStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice", "bob"}));
  }

  BlockingStore& blocking() { return storage().blocking(); }
  Jids blockedBy(const std::string& user) {
    return blocking().blocked(user, "example.org").value();
  }
};

TEST_F(BlockingStoreTest, BlockAddsSortedWithoutDuplicates) {
  ASSERT_TRUE(blocking().block("alice", "example.org", {"romeo@example.net", "example.com"}));
  ASSERT_TRUE(blocking().block("alice", "example.org", {"romeo@example.net", "a@b/c"}));
  EXPECT_EQ(blockedBy("alice"), (Jids{"a@b/c", "example.com", "romeo@example.net"}));
  EXPECT_TRUE(blockedBy("bob").empty());
}

TEST_F(BlockingStoreTest, UnblockRemovesGivenJidsAndIgnoresUnknownOnes) {
  ASSERT_TRUE(blocking().block("alice", "example.org", {"x@example.net", "y@example.net"}));
  ASSERT_TRUE(blocking().unblock("alice", "example.org", {"x@example.net", "z@example.net"}));
  EXPECT_EQ(blockedBy("alice"), (Jids{"y@example.net"}));
}

TEST_F(BlockingStoreTest, UnblockAllEmptiesOnlyThatAccount) {
  ASSERT_TRUE(blocking().block("alice", "example.org", {"x@example.net", "y@example.net"}));
  ASSERT_TRUE(blocking().block("bob", "example.org", {"x@example.net"}));
  ASSERT_TRUE(blocking().unblockAll("alice", "example.org"));
  EXPECT_TRUE(blockedBy("alice").empty());
  EXPECT_EQ(blockedBy("bob"), (Jids{"x@example.net"}));
}

TEST_F(BlockingStoreTest, AllListsEveryAccountOfTheDomain) {
  ASSERT_TRUE(blocking().block("alice", "example.org", {"x@example.net"}));
  ASSERT_TRUE(blocking().block("bob", "example.org", {"y@example.net"}));
  auto all = blocking().all("example.org");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].username, "alice");
  EXPECT_EQ((*all)[0].jid, "x@example.net");
  EXPECT_EQ((*all)[1].username, "bob");
  EXPECT_EQ((*all)[1].domain, "example.org");
  EXPECT_TRUE(blocking().all("example.com").value().empty());
}

TEST_F(BlockingStoreTest, BlockForUnknownAccountIsNotFoundAndStoresNothing) {
  auto blocked = blocking().block("carol", "example.org", {"x@example.net"});
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, StatusCode::NotFound);
  EXPECT_TRUE(blocking().all("example.org").value().empty());
}

TEST_F(BlockingStoreTest, RemovingTheAccountRemovesItsList) {
  ASSERT_TRUE(blocking().block("alice", "example.org", {"x@example.net"}));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  EXPECT_TRUE(blocking().all("example.org").value().empty());
}

// Lists go to storage whole: JIDs with characters that are special somewhere (quotes,
// backslashes, commas, braces), duplicates within one request, and an empty list.
TEST_F(BlockingStoreTest, ListsKeepEveryCharacterAndDuplicatesCountOnce) {
  const Jids odd{"a\"b@example.net", "c\\d@example.net", "e,f@example.net/{g}", "NULL", "Z@x"};
  ASSERT_TRUE(blocking().block("alice", "example.org", odd));
  ASSERT_TRUE(blocking().block("alice", "example.org", {"dup@x", "dup@x"}));
  EXPECT_EQ(blockedBy("alice"), (Jids{"NULL", "Z@x", "a\"b@example.net", "c\\d@example.net",
                                      "dup@x", "e,f@example.net/{g}"}));
  ASSERT_TRUE(blocking().block("alice", "example.org", {}));
  ASSERT_TRUE(blocking().unblock("alice", "example.org", {}));
  ASSERT_TRUE(
      blocking().unblock("alice", "example.org", {"a\"b@example.net", "e,f@example.net/{g}"}));
  EXPECT_EQ(blockedBy("alice"), (Jids{"NULL", "Z@x", "c\\d@example.net", "dup@x"}));
  auto unknown = blocking().block("carol", "example.org", {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, StatusCode::NotFound);
}

}  // namespace
}  // namespace kontalk::storage
