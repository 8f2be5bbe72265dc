#include "storage/pep_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

class PepStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice", "bob"}));
  }

  PepStore& store() { return storage().pep(); }

  std::vector<std::string> itemIds(const std::string& node) {
    std::vector<std::string> ids;
    auto items = store().items("alice", "example.org", node, 100);
    EXPECT_TRUE(items);
    if (!items) return ids;
    for (const auto& item : *items) {
      ids.push_back(item.id);
    }
    return ids;
  }

  Result<PepPublished> publish(const std::string& node, const std::string& id,
                               PepNodeConfig config = {}, std::size_t maxNodes = 10) {
    return store().publish("alice", "example.org", node, config, {id, "<p>" + id + "</p>"},
                           maxNodes);
  }
};

TEST_F(PepStoreTest, PublishCreatesTheNodeAndKeepsTheNewestMaxItems) {
  PepNodeConfig config{"open", 2, true};
  for (const char* id : {"a", "b", "c"}) {
    auto published = publish("urn:test", id, config);
    ASSERT_TRUE(published) << published.error().message;
    EXPECT_EQ(published->write, PepWrite::Stored);
    EXPECT_EQ(published->config, config);
  }
  EXPECT_EQ(itemIds("urn:test"), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(store().findNode("alice", "example.org", "urn:test").value(), config);
  EXPECT_FALSE(store().findNode("bob", "example.org", "urn:test").value());
  auto items = store().items("alice", "example.org", "urn:test", 1).value();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].payload, "<p>c</p>");
}

TEST_F(PepStoreTest, RepublishingAnIdMakesItTheNewestAndTheNodeKeepsItsConfig) {
  ASSERT_TRUE(publish("n", "a", {"presence", 5, true}));
  ASSERT_TRUE(publish("n", "b"));
  auto again = publish("n", "a", {"open", 1, true});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->config, (PepNodeConfig{"presence", 5, true}));
  EXPECT_EQ(itemIds("n"), (std::vector<std::string>{"a", "b"}));
}

TEST_F(PepStoreTest, ANodeThatDoesNotPersistKeepsNoItems) {
  auto published = publish("n", "a", {"presence", 1, false});
  ASSERT_TRUE(published);
  EXPECT_TRUE(itemIds("n").empty());
  EXPECT_TRUE(store().findNode("alice", "example.org", "n").value());
}

TEST_F(PepStoreTest, TheNodeLimitRefusesANewNodeAndWritesNothing) {
  ASSERT_TRUE(publish("one", "a", {}, 2));
  ASSERT_TRUE(publish("two", "a", {}, 2));
  auto third = publish("three", "a", {}, 2);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->write, PepWrite::TooManyNodes);
  EXPECT_EQ(store().configureNode("alice", "example.org", "four", {}, 2).value(),
            PepWrite::TooManyNodes);
  EXPECT_EQ(store().nodes("alice", "example.org").value(),
            (std::vector<std::string>{"one", "two"}));
  // An existing node still takes items and configuration at the limit.
  EXPECT_EQ(publish("two", "b", {}, 2)->write, PepWrite::Stored);
  EXPECT_EQ(store().configureNode("alice", "example.org", "two", {"open", 1, true}, 2).value(),
            PepWrite::Stored);
}

TEST_F(PepStoreTest, ReconfiguringTrimsTheItems) {
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(publish("n", id, {"presence", 10, true}));
  ASSERT_EQ(store().configureNode("alice", "example.org", "n", {"whitelist", 2, true}, 10).value(),
            PepWrite::Stored);
  EXPECT_EQ(itemIds("n"), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(store().findNode("alice", "example.org", "n").value(),
            (PepNodeConfig{"whitelist", 2, true}));
}

TEST_F(PepStoreTest, RetractAndDeleteSayWhetherSomethingWasThere) {
  ASSERT_TRUE(publish("n", "a", {"presence", 10, true}));
  ASSERT_TRUE(publish("n", "b"));
  EXPECT_TRUE(store().retract("alice", "example.org", "n", "a").value());
  EXPECT_FALSE(store().retract("alice", "example.org", "n", "a").value());
  EXPECT_EQ(itemIds("n"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(store().deleteNode("alice", "example.org", "n").value());
  EXPECT_FALSE(store().deleteNode("alice", "example.org", "n").value());
  EXPECT_FALSE(store().findNode("alice", "example.org", "n").value());
  // The node's items went with it: a new node of that name starts empty.
  ASSERT_TRUE(publish("n", "c"));
  EXPECT_EQ(itemIds("n"), (std::vector<std::string>{"c"}));
}

TEST_F(PepStoreTest, AMissingAccountIsNotFound) {
  auto published = store().publish("nobody", "example.org", "n", {}, {"a", "<p/>"}, 10);
  ASSERT_FALSE(published);
  EXPECT_EQ(published.error().code, StatusCode::NotFound);
}

TEST_F(PepStoreTest, RemovingTheAccountRemovesItsNodes) {
  ASSERT_TRUE(publish("n", "a"));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  EXPECT_TRUE(store().nodes("alice", "example.org").value().empty());
}

}  // namespace
}  // namespace kontalk::storage
