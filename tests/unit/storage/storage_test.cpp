#include "storage/backends/open_storage.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "postgres_test_database.hpp"
#include "storage/sqlite/database.hpp"
#include "temporary_directory.hpp"

namespace kontalk::storage {
namespace {

// On SQLite, or on a PostgreSQL database of its own when KONTALK_TEST_POSTGRES_URL is set
// (migrated_storage.hpp); postgres_storage_test.cpp has PostgreSQL's own cases.
class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto url = testing::postgresTestUrl()) {
      auto database = testing::PostgresTestDatabase::create(*url);
      ASSERT_TRUE(database) << database.error().message;
      postgres_.emplace(std::move(*database));
    }
  }

  StorageSettings config() const {
    StorageSettings config;
    config.path = (directory_.path() / "data" / "kontalk.db").string();
    if (postgres_) {
      config.backend = "postgresql";
      config.url = postgres_->url();
    }
    return config;
  }

  bool onPostgres() const { return postgres_.has_value(); }

  std::unique_ptr<Storage> open() {
    auto storage = openStorage(config());
    EXPECT_TRUE(storage) << storage.error().message;
    return storage ? std::move(*storage) : nullptr;
  }

  testing::TemporaryDirectory directory_;
  std::optional<testing::PostgresTestDatabase> postgres_;
};

TEST_F(StorageTest, UnknownBackendIsUnsupportedAndNamed) {
  StorageSettings unknown = config();
  unknown.backend = "mongodb";
  auto storage = openStorage(unknown);
  ASSERT_FALSE(storage);
  EXPECT_EQ(storage.error().code, StatusCode::Unsupported);
  EXPECT_NE(storage.error().message.find("mongodb"), std::string::npos);
}

TEST_F(StorageTest, OpenDoesNotMigrate) {
  auto storage = open();
  ASSERT_TRUE(storage);
  EXPECT_EQ(storage->schemaVersion().value(), 0);
}

TEST_F(StorageTest, MigrateRunsEverythingOnceThenNothing) {
  auto storage = open();
  ASSERT_TRUE(storage);
  auto first = storage->migrate();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_GE(*first, 1);
  EXPECT_EQ(storage->schemaVersion().value(), *first);
  EXPECT_EQ(storage->migrate().value(), 0);
  EXPECT_EQ(storage->schemaVersion().value(), *first);
}

TEST_F(StorageTest, ProbeCommitsOnAMigratedDatabase) {
  auto storage = open();
  ASSERT_TRUE(storage);
  ASSERT_TRUE(storage->migrate());
  auto probed = storage->probe();
  EXPECT_TRUE(probed) << probed.error().message;
  // A file system gone read-only fails it: tests/integration/test_metrics.py breaks a real one.
}

TEST_F(StorageTest, DataSurvivesReopening) {
  int version = 0;
  {
    auto storage = open();
    ASSERT_TRUE(storage);
    version = storage->migrate().value();
    ASSERT_TRUE(storage->accounts().create(Account{"alice", "example.org", {}, {}, 1700000000}));
    storage->flush();
  }
  auto storage = open();
  ASSERT_TRUE(storage);
  EXPECT_EQ(storage->schemaVersion().value(), version);
  EXPECT_EQ(storage->migrate().value(), 0);
  auto found = storage->accounts().find("alice", "example.org");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->createdAt, 1700000000);
}

TEST_F(StorageTest, FlushEmptiesTheWriteAheadLog) {
  if (onPostgres()) GTEST_SKIP() << "SQLite's file; postgres_storage_test.cpp covers PostgreSQL";
  auto storage = open();
  ASSERT_TRUE(storage);
  ASSERT_TRUE(storage->migrate());
  const std::filesystem::path wal = config().path + "-wal";
  ASSERT_GT(std::filesystem::file_size(wal), 0u);
  storage->flush();
  EXPECT_EQ(std::filesystem::file_size(wal), 0u);
}

TEST_F(StorageTest, RefusesADatabaseFromANewerBuild) {
  if (onPostgres()) GTEST_SKIP() << "SQLite's file; postgres_storage_test.cpp covers PostgreSQL";
  {
    auto storage = open();
    ASSERT_TRUE(storage);
    const int latest = storage->migrate().value();
    auto database = sqlite::Database::open(config().path);
    ASSERT_TRUE(database);
    auto future =
        database->prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)");
    ASSERT_TRUE(future);
    future->bindInt64(1, latest + 1);
    ASSERT_TRUE(future->run());
  }
  auto storage = openStorage(config());
  ASSERT_FALSE(storage);
  EXPECT_EQ(storage.error().code, StatusCode::Unsupported);
  EXPECT_NE(storage.error().message.find("newer"), std::string::npos);
}

}  // namespace
}  // namespace kontalk::storage
