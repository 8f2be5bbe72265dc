#include "storage/private_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

const PrivateKey kBookmarks{"storage", "storage:bookmarks"};
const std::string kBookmarksXml = "<storage xmlns='storage:bookmarks'/>";

class PrivateStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice", "bob"}));
  }

  PrivateStore& store() { return storage().privateXml(); }
};

TEST_F(PrivateStoreTest, NothingUntilSaved) {
  auto found = store().find("alice", "example.org", kBookmarks);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(*found);
}

TEST_F(PrivateStoreTest, SaveReplacesTheElementOfThatNameAndNamespaceOnly) {
  ASSERT_TRUE(store().save("alice", "example.org", kBookmarks, kBookmarksXml, 1000));
  const PrivateKey other{"prefs", "urn:example:prefs"};
  ASSERT_TRUE(
      store().save("alice", "example.org", other, "<prefs xmlns='urn:example:prefs'/>", 1000));
  const std::string replaced = "<storage xmlns='storage:bookmarks'><url url='x'/></storage>";
  ASSERT_TRUE(store().save("alice", "example.org", kBookmarks, replaced, 1000));
  EXPECT_EQ(store().find("alice", "example.org", kBookmarks).value(), replaced);
  EXPECT_EQ(store().find("alice", "example.org", other).value(),
            "<prefs xmlns='urn:example:prefs'/>");
  EXPECT_FALSE(store().find("bob", "example.org", kBookmarks).value()) << "per account";
  EXPECT_FALSE(store().find("alice", "example.org", {"storage", "urn:other"}).value());
}

TEST_F(PrivateStoreTest, RefusesASaveOverTheAccountsTotalAndKeepsTheOldElement) {
  ASSERT_TRUE(store().save("alice", "example.org", {"a", "urn:a"}, std::string(60, 'a'), 100));
  ASSERT_TRUE(store().save("alice", "example.org", kBookmarks, std::string(30, 'b'), 100));
  auto refused = store().save("alice", "example.org", kBookmarks, std::string(41, 'c'), 100);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StatusCode::Overloaded);
  EXPECT_EQ(store().find("alice", "example.org", kBookmarks).value(), std::string(30, 'b'));
  // A replacement counts instead of the element it replaces, not on top of it.
  EXPECT_TRUE(store().save("alice", "example.org", kBookmarks, std::string(40, 'd'), 100));
  EXPECT_TRUE(store().save("bob", "example.org", kBookmarks, std::string(100, 'e'), 100))
      << "another account's elements do not count";
}

TEST_F(PrivateStoreTest, AnUnknownAccountIsNotFound) {
  auto saved = store().save("nobody", "example.org", kBookmarks, kBookmarksXml, 1000);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, StatusCode::NotFound);
}

TEST_F(PrivateStoreTest, RemovingTheAccountRemovesItsElements) {
  ASSERT_TRUE(store().save("alice", "example.org", kBookmarks, kBookmarksXml, 1000));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  ASSERT_TRUE(createAccounts({"alice"}));
  EXPECT_FALSE(store().find("alice", "example.org", kBookmarks).value());
}

}  // namespace
}  // namespace kontalk::storage
