#include "storage/table_rows.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "migrated_storage.hpp"
#include "postgres_test_database.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/storage.hpp"

namespace kontalk::storage {
namespace {

using testing::PostgresTestDatabase;
using testing::postgresTestUrl;

TEST(ForeignKeyOrder, PutsEveryTableAfterTheTablesItRefersTo) {
  auto ordered = foreignKeyOrder({{"roster_groups", {"roster_items"}},
                                  {"roster_items", {"accounts"}},
                                  {"keyring", {}},
                                  {"account_keys", {"accounts", "keyring"}},
                                  {"accounts", {}}});
  ASSERT_TRUE(ordered) << ordered.error().message;
  EXPECT_EQ(*ordered, (std::vector<std::string>{"keyring", "accounts", "roster_items",
                                                "account_keys", "roster_groups"}));
}

TEST(ForeignKeyOrder, AllowsATableToReferToItself) {
  auto ordered = foreignKeyOrder({{"tree", {"tree"}}});
  ASSERT_TRUE(ordered);
  EXPECT_EQ(*ordered, std::vector<std::string>{"tree"});
}

TEST(ForeignKeyOrder, RefusesACycleAndAnUnknownTable) {
  auto cycle = foreignKeyOrder({{"a", {"b"}}, {"b", {"a"}}});
  ASSERT_FALSE(cycle);
  EXPECT_NE(cycle.error().message.find("cycle"), std::string::npos);
  auto unknown = foreignKeyOrder({{"a", {"missing"}}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("missing"), std::string::npos);
}

// Every table's rows, as an export sends them: what two storages must agree on after a copy.
// Sorted: a table is a set of rows, and PostgreSQL exports them in their physical order.
std::map<std::string, std::vector<std::vector<CellValue>>> everything(Storage& storage) {
  std::map<std::string, std::vector<std::vector<CellValue>>> tables;
  auto exported = storage.exportTables(2, [&](const TableBatch& batch) -> Result<void> {
    EXPECT_LE(batch.rows.size(), 2u) << batch.table;
    auto& rows = tables[batch.table];
    rows.insert(rows.end(), batch.rows.begin(), batch.rows.end());
    return {};
  });
  EXPECT_TRUE(exported) << exported.error().message;
  for (auto& [name, rows] : tables) std::sort(rows.begin(), rows.end());
  return tables;
}

// The source is the suite's migrated storage (SQLite, or PostgreSQL under scripts/with-postgres);
// the destination a SQLite file of its own.
class CopyStorageTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    StorageSettings settings;
    settings.path = (destinationDirectory_.path() / "copy.db").string();
    auto opened = openStorage(settings);
    ASSERT_TRUE(opened) << opened.error().message;
    destination_ = std::move(*opened);
  }

  void fillSource() {
    const ScramCredentials credentials{ScramHash::Sha256, std::string("salt\0\xff", 6), 4096,
                                       std::string(32, '\x01'), std::string(32, '\x02')};
    ASSERT_TRUE(storage().accounts().create(Account{"alice", "example.org", {}, credentials, 7}));
    ASSERT_TRUE(createAccounts({"bob", "carol"}));
    ASSERT_TRUE(storage().blocking().block("alice", "example.org", {"mallory@evil.example"}));
    ASSERT_TRUE(storage().privateXml().save("alice", "example.org",
                                            {"storage", "storage:bookmarks"},
                                            "<storage xmlns='storage:bookmarks'/>", 1000));
    std::vector<JournalAppend> appends;
    for (std::int64_t id = 1; id <= 5; ++id) {
      appends.push_back({"bob", "example.org", "alice@example.org",
                         OfflineMessage{id, "<message id='" + std::to_string(id) + "'/>", 10, 99},
                         0, 0});
    }
    auto committed = storage().offline().commit(appends, {});
    ASSERT_TRUE(committed) << committed.error().message;
    ASSERT_TRUE(storage().pep().publish("alice", "example.org", "urn:xmpp:avatar:metadata",
                                        PepNodeConfig{}, PepItem{"hash", "<metadata/>"}, 10));
  }

  Storage& destination() { return *destination_; }

  testing::TemporaryDirectory backDirectory_;

 private:
  testing::TemporaryDirectory destinationDirectory_;
  std::unique_ptr<Storage> destination_;
};

TEST_F(CopyStorageTest, CopiesEveryRowInBatchesAndTheCopyServesTheStores) {
  ASSERT_NO_FATAL_FAILURE(fillSource());
  ASSERT_TRUE(destination().migrate());
  auto copied = copyStorage(storage(), destination(), 2);
  ASSERT_TRUE(copied) << copied.error().message;

  std::map<std::string, std::int64_t> counts;
  for (const auto& table : *copied) counts[table.table] = table.rows;
  EXPECT_EQ(counts["accounts"], 3);
  EXPECT_EQ(counts["offline_messages"], 5);
  EXPECT_EQ(counts["blocked_jids"], 1);
  EXPECT_EQ(counts["private_xml"], 1);
  EXPECT_TRUE(counts.contains("roster_items")) << "an empty table is listed too";
  EXPECT_EQ(everything(destination()), everything(storage()));

  auto alice = destination().accounts().find("alice", "example.org");
  ASSERT_TRUE(alice && *alice);
  ASSERT_TRUE((*alice)->scramSha256);
  EXPECT_EQ((*alice)->scramSha256->salt, std::string("salt\0\xff", 6));
  auto pending = destination().offline().pending("bob", "example.org", 0, 0, {10, 0});
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 5u);
  EXPECT_EQ(pending->front().stanza, "<message id='1'/>");
  EXPECT_EQ(destination().offline().highestId().value(), 5);
}

// And back into a fresh storage of the suite's backend: on PostgreSQL this is SQLite to
// PostgreSQL, whose identity sequences must continue after the copied ids.
TEST_F(CopyStorageTest, CopiesBackIntoTheSuitesBackend) {
  ASSERT_NO_FATAL_FAILURE(fillSource());
  ASSERT_TRUE(destination().migrate());
  ASSERT_TRUE(copyStorage(storage(), destination(), 3));

  StorageSettings settings;
  settings.path = (backDirectory_.path() / "back.db").string();
  std::optional<PostgresTestDatabase> database;
  if (auto url = postgresTestUrl()) {
    auto created = PostgresTestDatabase::create(*url);
    ASSERT_TRUE(created) << created.error().message;
    database.emplace(std::move(*created));
    settings.backend = "postgresql";
    settings.url = database->url();
  }
  auto back = openStorage(settings);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE((*back)->migrate());
  auto copied = copyStorage(destination(), **back, 3);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(everything(**back), everything(storage()));
  if (database) {
    auto connection = postgresql::Connection::open(settings.url);
    ASSERT_TRUE(connection) << connection.error().message;
    auto next =
        connection->query("SELECT nextval(pg_get_serial_sequence('offline_messages', 'id'))");
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_EQ(next->int64(0, 0), 6) << "the identity sequence did not move past the copied ids";
  }
  back->reset();  // closed before its database is dropped
}

TEST_F(CopyStorageTest, RefusesADestinationThatHoldsDataAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(fillSource());
  ASSERT_TRUE(destination().migrate());
  ASSERT_TRUE(destination().accounts().create(Account{"zoe", "example.org", {}, {}, 1}));
  auto copied = copyStorage(storage(), destination(), 2);
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error().code, StatusCode::AlreadyExists);
  EXPECT_NE(copied.error().message.find("accounts"), std::string::npos);
  EXPECT_EQ(destination().accounts().list("example.org").value(), std::vector<std::string>{"zoe"});
}

TEST_F(CopyStorageTest, RefusesAnotherSchemaVersion) {
  ASSERT_NO_FATAL_FAILURE(fillSource());
  auto copied = copyStorage(storage(), destination(), 2);  // destination never migrated
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error().code, StatusCode::InvalidArgument);
  EXPECT_NE(copied.error().message.find("schema version"), std::string::npos);
}

TEST_F(CopyStorageTest, AFailedImportLeavesTheDestinationEmpty) {
  ASSERT_NO_FATAL_FAILURE(fillSource());
  ASSERT_TRUE(destination().migrate());
  auto imported = destination().importTables([&](const TableBatchSink& write) -> Result<void> {
    if (auto written =
            write(TableBatch{"accounts",
                             {"username", "domain", "created_at"},
                             {{std::string("dave"), std::string("example.org"), std::int64_t{1}}}});
        !written) {
      return written;
    }
    return write(TableBatch{"no_such_table", {"x"}, {{std::int64_t{1}}}});
  });
  ASSERT_FALSE(imported);
  EXPECT_EQ(imported.error().code, StatusCode::InvalidArgument);
  EXPECT_TRUE(destination().accounts().list("example.org").value().empty());
}

}  // namespace
}  // namespace kontalk::storage
