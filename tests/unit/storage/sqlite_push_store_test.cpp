#include "storage/sqlite/sqlite_push_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage::sqlite {
namespace {

class SqlitePushStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
  }

  PushStore& push() { return storage().push(); }

  std::vector<PushRegistration> registrations() {
    auto found = push().find("alice", "example.org");
    EXPECT_TRUE(found);
    return found ? *found : std::vector<PushRegistration>{};
  }
};

TEST_F(SqlitePushStoreTest, ASecondTokenReplacesTheFirstPerProvider) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "first", 100));
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "second", 200));
  ASSERT_TRUE(push().put("alice", "example.org", "dummy", "other", 300));
  const auto found = registrations();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].provider, "dummy");
  EXPECT_EQ(found[1].provider, "gcm");
  EXPECT_EQ(found[1].token, "second");
  EXPECT_EQ(found[1].updatedAt, 200);
}

TEST_F(SqlitePushStoreTest, RemoveDeletesOneProviderAndNothingIsNoFailure) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "token", 100));
  ASSERT_TRUE(push().put("alice", "example.org", "dummy", "other", 100));
  ASSERT_TRUE(push().remove("alice", "example.org", "gcm"));
  ASSERT_TRUE(push().remove("alice", "example.org", "gcm"));
  const auto found = registrations();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].provider, "dummy");
}

TEST_F(SqlitePushStoreTest, RemoveTokenSparesANewerToken) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "new", 100));
  EXPECT_FALSE(push().removeToken("alice", "example.org", "gcm", "old").value());
  EXPECT_EQ(registrations().size(), 1u);
  EXPECT_TRUE(push().removeToken("alice", "example.org", "gcm", "new").value());
  EXPECT_TRUE(registrations().empty());
}

TEST_F(SqlitePushStoreTest, UnknownAccountIsNotFound) {
  auto stored = push().put("bob", "example.org", "gcm", "token", 100);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, StatusCode::NotFound);
}

TEST_F(SqlitePushStoreTest, RemovingTheAccountRemovesItsRegistrations) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "token", 100));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  EXPECT_TRUE(registrations().empty());
}

}  // namespace
}  // namespace kontalk::storage::sqlite
