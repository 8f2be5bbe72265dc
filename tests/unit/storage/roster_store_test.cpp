#include "storage/roster_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

class RosterStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice", "bob"}));
  }

  RosterStore& rosters() { return storage().rosters(); }

  static RosterItem item(std::string contact) {
    RosterItem result;
    result.contact = std::move(contact);
    result.name = "Carol";
    result.subscriptionTo = true;
    result.askSubscribe = false;
    result.approved = true;
    result.groups = {"Work", "Friends"};
    return result;
  }
};

TEST_F(RosterStoreTest, PutItemRoundTripsAndBumpsTheVersion) {
  EXPECT_EQ(rosters().version("alice", "example.org").value(), 0);
  const RosterItem carol = item("carol@example.org");
  EXPECT_EQ(rosters().putItem("alice", "example.org", carol).value(), 1);
  EXPECT_EQ(rosters().item("alice", "example.org", "carol@example.org").value(), carol);

  RosterItem changed = carol;
  changed.groups = {"Family"};
  changed.subscriptionFrom = true;
  EXPECT_EQ(rosters().putItem("alice", "example.org", changed).value(), 2);
  EXPECT_EQ(rosters().items("alice", "example.org").value(), std::vector<RosterItem>{changed});
  EXPECT_EQ(rosters().itemCount("alice", "example.org").value(), 1);
  // Rosters are per account.
  EXPECT_TRUE(rosters().items("bob", "example.org").value().empty());
  EXPECT_EQ(rosters().version("bob", "example.org").value(), 0);
}

TEST_F(RosterStoreTest, RemoveItem) {
  ASSERT_TRUE(rosters().putItem("alice", "example.org", item("carol@example.org")));
  EXPECT_EQ(rosters().removeItem("alice", "example.org", "carol@example.org").value(), 2);
  EXPECT_FALSE(rosters().item("alice", "example.org", "carol@example.org").value());
  auto again = rosters().removeItem("alice", "example.org", "carol@example.org");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, StatusCode::NotFound);
}

TEST_F(RosterStoreTest, PendingSubscriptions) {
  ASSERT_TRUE(rosters().putPendingSubscription(
      "alice", "example.org", {"carol@example.org", "<presence type='subscribe'/>", 20}));
  ASSERT_TRUE(rosters().putPendingSubscription("alice", "example.org",
                                               {"bob@example.org", "<presence/>", 10}));
  auto all = rosters().pendingSubscriptions("alice", "example.org").value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].contact, "bob@example.org");  // oldest first
  EXPECT_EQ(
      rosters().pendingSubscription("alice", "example.org", "carol@example.org").value()->stanza,
      "<presence type='subscribe'/>");
  EXPECT_TRUE(
      rosters().removePendingSubscription("alice", "example.org", "carol@example.org").value());
  EXPECT_FALSE(
      rosters().removePendingSubscription("alice", "example.org", "carol@example.org").value());
}

TEST_F(RosterStoreTest, LastPresence) {
  EXPECT_FALSE(rosters().lastPresence("alice", "example.org").value());
  ASSERT_TRUE(rosters().setLastPresence("alice", "example.org", {"<presence/>", 5}));
  ASSERT_TRUE(rosters().setLastPresence("alice", "example.org", {"<presence type='x'/>", 6}));
  auto last = rosters().lastPresence("alice", "example.org").value();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->stanza, "<presence type='x'/>");
  EXPECT_EQ(last->at, 6);
}

TEST_F(RosterStoreTest, EverythingGoesWithTheAccount) {
  ASSERT_TRUE(rosters().putItem("alice", "example.org", item("carol@example.org")));
  ASSERT_TRUE(rosters().putPendingSubscription("alice", "example.org",
                                               {"bob@example.org", "<presence/>", 1}));
  ASSERT_TRUE(rosters().setLastPresence("alice", "example.org", {"<presence/>", 1}));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  EXPECT_EQ(rosters().itemCount("alice", "example.org").value(), 0);
  EXPECT_TRUE(rosters().pendingSubscriptions("alice", "example.org").value().empty());
  EXPECT_FALSE(rosters().lastPresence("alice", "example.org").value());
  EXPECT_EQ(rosters().version("alice", "example.org").value(), 0);
  // No roster for an unknown account.
  EXPECT_FALSE(rosters().putItem("nobody", "example.org", item("carol@example.org")));
}

// Contacts sort by their bytes (uppercase before '_' before lowercase), whatever the database's
// collation; groups keep the client's order and any characters.
TEST_F(RosterStoreTest, ItemsSortByBytesAndGroupsKeepTheirOrderAndCharacters) {
  RosterItem lower = item("alice@example.net");
  lower.groups = {"z", "a", "with \"quotes\", {braces} and \\", "NULL", "", "Ünïcode"};
  RosterItem upper = item("Zed@example.net");
  upper.groups = {};
  RosterItem underscore = item("_b@example.net");
  underscore.groups = {"only"};
  for (const RosterItem* each : {&lower, &upper, &underscore}) {
    ASSERT_TRUE(rosters().putItem("alice", "example.org", *each));
  }
  EXPECT_EQ(rosters().items("alice", "example.org").value(),
            (std::vector<RosterItem>{upper, underscore, lower}));
  EXPECT_EQ(rosters().item("alice", "example.org", "alice@example.net").value(), lower);
  // Fewer groups than before: the extra ones go.
  lower.groups = {"a"};
  ASSERT_TRUE(rosters().putItem("alice", "example.org", lower));
  EXPECT_EQ(rosters().item("alice", "example.org", "alice@example.net").value(), lower);
  EXPECT_EQ(rosters().version("alice", "example.org").value(), 4);
}

TEST_F(RosterStoreTest, PendingSubscriptionsOfTheSameSecondSortByContactBytes) {
  for (const char* contact : {"b@example.net", "Z@example.net", "a@example.net"}) {
    ASSERT_TRUE(rosters().putPendingSubscription("alice", "example.org", {contact, "<p/>", 7}));
  }
  const auto requests = rosters().pendingSubscriptions("alice", "example.org").value();
  std::vector<std::string> contacts;
  for (const auto& request : requests) {
    contacts.push_back(request.contact);
  }
  EXPECT_EQ(contacts,
            (std::vector<std::string>{"Z@example.net", "a@example.net", "b@example.net"}));
}

}  // namespace
}  // namespace kontalk::storage
