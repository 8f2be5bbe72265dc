#include "storage/push_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"
#include "storage/offline_store.hpp"
#include "storage/roster_store.hpp"

namespace kontalk::storage {
namespace {

class PushStoreTest : public testing::MigratedStorageTest {
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

TEST_F(PushStoreTest, ASecondTokenReplacesTheFirstPerProvider) {
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

TEST_F(PushStoreTest, RemoveDeletesOneProviderAndNothingIsNoFailure) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "token", 100));
  ASSERT_TRUE(push().put("alice", "example.org", "dummy", "other", 100));
  ASSERT_TRUE(push().remove("alice", "example.org", "gcm"));
  ASSERT_TRUE(push().remove("alice", "example.org", "gcm"));
  const auto found = registrations();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].provider, "dummy");
}

TEST_F(PushStoreTest, RemoveTokenSparesANewerToken) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "new", 100));
  EXPECT_FALSE(push().removeToken("alice", "example.org", "gcm", "old").value());
  EXPECT_EQ(registrations().size(), 1u);
  EXPECT_TRUE(push().removeToken("alice", "example.org", "gcm", "new").value());
  EXPECT_TRUE(registrations().empty());
}

TEST_F(PushStoreTest, UnknownAccountIsNotFound) {
  auto stored = push().put("bob", "example.org", "gcm", "token", 100);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, StatusCode::NotFound);
}

TEST_F(PushStoreTest, RemovingTheAccountRemovesItsRegistrations) {
  ASSERT_TRUE(push().put("alice", "example.org", "gcm", "token", 100));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  EXPECT_TRUE(registrations().empty());
}

PushAppServer appServer(std::string jid, std::string node, std::string options = "") {
  return PushAppServer{std::move(jid), std::move(node), std::move(options), 100};
}

TEST_F(PushStoreTest, AppServersAreKeptPerJidAndNodeAndReEnablingReplaces) {
  EXPECT_EQ(push().putAppServer("alice", "example.org", appServer("app.example", "n1", "<x/>"), 5),
            AppServerPut::Stored);
  EXPECT_EQ(push().putAppServer("alice", "example.org", appServer("app.example", "n1", "<y/>"), 5),
            AppServerPut::Stored);
  EXPECT_EQ(push().putAppServer("alice", "example.org", appServer("app.example", ""), 5),
            AppServerPut::Stored);
  auto found = push().appServers("alice", "example.org").value();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].node, "");
  EXPECT_EQ(found[1].node, "n1");
  EXPECT_EQ(found[1].options, "<y/>");
}

TEST_F(PushStoreTest, TheLimitRefusesANewEntryButNotAReplacement) {
  for (const char* node : {"a", "b"}) {
    ASSERT_EQ(push().putAppServer("alice", "example.org", appServer("app.example", node), 2),
              AppServerPut::Stored);
  }
  EXPECT_EQ(push().putAppServer("alice", "example.org", appServer("app.example", "c"), 2),
            AppServerPut::TooMany);
  EXPECT_EQ(push().putAppServer("alice", "example.org", appServer("app.example", "b", "<x/>"), 2),
            AppServerPut::Stored);
  EXPECT_EQ(push().appServers("alice", "example.org").value().size(), 2u);
  auto missing = push().putAppServer("bob", "example.org", appServer("app.example", "a"), 2);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, StatusCode::NotFound);
}

TEST_F(PushStoreTest, RemovingWithoutNodeTakesEveryNodeOfThatJid) {
  for (const char* node : {"a", "b"}) {
    ASSERT_TRUE(push().putAppServer("alice", "example.org", appServer("app.example", node), 5));
  }
  ASSERT_TRUE(push().putAppServer("alice", "example.org", appServer("other.example", "a"), 5));
  EXPECT_EQ(push().removeAppServers("alice", "example.org", "app.example", "a").value(), 1);
  EXPECT_EQ(push().removeAppServers("alice", "example.org", "app.example", "zzz").value(), 0);
  ASSERT_TRUE(push().putAppServer("alice", "example.org", appServer("app.example", "c"), 5));
  EXPECT_EQ(push().removeAppServers("alice", "example.org", "app.example", std::nullopt).value(),
            2);
  auto found = push().appServers("alice", "example.org").value();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].jid, "other.example");
}

TEST_F(PushStoreTest, WaitingCountsUnexpiredMessagesAndSubscriptionRequests) {
  ASSERT_TRUE(createAccounts({"bob"}));
  auto message = [](std::string user, std::int64_t id, std::int64_t expiresAt) {
    return JournalAppend{std::move(user),
                         "example.org",
                         "carol@example.org",
                         OfflineMessage{id, "<message/>", 1000, expiresAt},
                         0,
                         0};
  };
  ASSERT_TRUE(storage().offline().commit({message("alice", 1, 2000), message("alice", 2, 2000),
                                          message("alice", 3, 1500), message("bob", 4, 2000)},
                                         {}));
  ASSERT_TRUE(storage().rosters().putPendingSubscription(
      "alice", "example.org", {"dan@example.org", "<presence type='subscribe'/>", 1000}));
  auto waiting = push().waiting("alice", "example.org", 1600).value();
  EXPECT_EQ(waiting.messages, 2);
  EXPECT_EQ(waiting.subscriptions, 1);
  EXPECT_EQ(push().waiting("bob", "example.org", 1600).value().subscriptions, 0);
}

}  // namespace
}  // namespace kontalk::storage
