#include "storage/postgresql/postgres_storage.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <utility>

#include "postgres_test_database.hpp"
#include "storage/backends/open_storage.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/migrations.hpp"
#include "temporary_directory.hpp"

// The PostgreSQL facade and its migrations against a real server (scripts/with-postgres);
// skipped without one.
namespace kontalk::storage::postgresql {
namespace {

class PostgresStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::postgresTestUrl();
    if (!url) GTEST_SKIP() << "KONTALK_TEST_POSTGRES_URL is not set (scripts/with-postgres)";
    auto database = testing::PostgresTestDatabase::create(*url);
    ASSERT_TRUE(database) << database.error().message;
    database_.emplace(std::move(*database));
    config_.backend = "postgresql";
    config_.url = database_->url();
    config_.poolSize = 4;
  }

  std::unique_ptr<Storage> open() {
    auto storage = openStorage(config_);
    EXPECT_TRUE(storage) << storage.error().message;
    return storage ? std::move(*storage) : nullptr;
  }

  Result<Rows> sql(std::string_view statement, const Parameters& parameters = {}) {
    auto connection = Connection::open(config_.url);
    if (!connection) return tl::unexpected(connection.error());
    return connection->query(statement, parameters);
  }

  std::optional<testing::PostgresTestDatabase> database_;
  StorageSettings config_;
};

// The generic cases (open, migrate, probe, reopen) run on PostgreSQL in storage_test.cpp.

TEST_F(PostgresStorageTest, MigrationsHaveSqlitesVersionsAndRecordEachOnce) {
  EXPECT_EQ(latestSchemaVersion(), sqlite::latestSchemaVersion());
  for (std::size_t i = 0; i < migrations().size(); ++i) {
    EXPECT_EQ(migrations()[i].version, sqlite::migrations()[i].version);
  }
  auto storage = open();
  ASSERT_TRUE(storage);
  ASSERT_EQ(storage->migrate().value(), latestSchemaVersion());
  EXPECT_EQ(storage->migrate().value(), 0);
  auto recorded = sql("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->int64(0, 0), latestSchemaVersion());
}

// Migration N is SQLite's N translated: the same tables with the same columns.
TEST_F(PostgresStorageTest, MigratedSchemaHasSqlitesTablesAndColumns) {
  using Columns = std::set<std::pair<std::string, std::string>>;
  testing::TemporaryDirectory directory;
  StorageSettings sqliteConfig;
  sqliteConfig.path = (directory.path() / "kontalk.db").string();
  {
    auto sqliteStorage = openStorage(sqliteConfig);
    ASSERT_TRUE(sqliteStorage);
    ASSERT_TRUE((*sqliteStorage)->migrate());
  }
  Columns sqliteColumns;
  auto database = sqlite::Database::open(sqliteConfig.path);
  ASSERT_TRUE(database);
  auto select = database->prepare(
      "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
      "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
  ASSERT_TRUE(select);
  while (select->step().value_or(false)) {
    sqliteColumns.emplace(select->columnText(0), select->columnText(1));
  }

  auto storage = open();
  ASSERT_TRUE(storage);
  ASSERT_TRUE(storage->migrate());
  auto rows =
      sql("SELECT table_name::text, column_name::text FROM information_schema.columns "
          "WHERE table_schema = current_schema()");
  ASSERT_TRUE(rows) << rows.error().message;
  Columns postgresColumns;
  for (int row = 0; row < rows->count(); ++row) {
    postgresColumns.emplace(rows->text(row, 0), rows->text(row, 1));
  }
  EXPECT_GT(sqliteColumns.size(), 40u);
  EXPECT_EQ(postgresColumns, sqliteColumns);
}

TEST_F(PostgresStorageTest, RefusesASchemaFromANewerBuild) {
  {
    auto storage = open();
    ASSERT_TRUE(storage);
    ASSERT_TRUE(storage->migrate());
  }
  ASSERT_TRUE(sql("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)",
                  Parameters().int64(latestSchemaVersion() + 1)));
  auto storage = openStorage(config_);
  ASSERT_FALSE(storage);
  EXPECT_EQ(storage.error().code, StatusCode::Unsupported);
  EXPECT_NE(storage.error().message.find("newer"), std::string::npos);
  // Nor does migrate() touch it, for a storage opened before the newer build migrated.
  PostgresStorage opened(config_);
  auto migrated = opened.migrate();
  ASSERT_FALSE(migrated);
  EXPECT_EQ(migrated.error().code, StatusCode::Unsupported);
}

TEST_F(PostgresStorageTest, ConcurrentMigrationsApplyEachMigrationOnce) {
  // Cluster nodes starting together: each migration runs exactly once, nobody fails.
  constexpr int kNodes = 4;
  std::vector<int> ran(kNodes, -1);
  {
    std::vector<std::unique_ptr<Storage>> nodes;
    for (int node = 0; node < kNodes; ++node) nodes.push_back(open());
    std::vector<std::jthread> threads;
    for (int node = 0; node < kNodes; ++node) {
      threads.emplace_back([&, node] {
        auto migrated = nodes[static_cast<std::size_t>(node)]->migrate();
        EXPECT_TRUE(migrated) << migrated.error().message;
        ran[static_cast<std::size_t>(node)] = migrated.value_or(-1);
      });
    }
  }
  int total = 0;
  for (int count : ran) total += count;
  EXPECT_EQ(total, latestSchemaVersion());
}

TEST_F(PostgresStorageTest, ProbeFailsOnAReadOnlyDatabase) {
  auto storage = open();
  ASSERT_TRUE(storage);
  ASSERT_TRUE(storage->migrate());
  // New sessions of this database start read-only, as on a standby: the probe's write fails.
  ASSERT_TRUE(
      sql("ALTER DATABASE " + database_->name() + " SET default_transaction_read_only = on"));
  auto fresh = open();
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(fresh->probe());
}

TEST_F(PostgresStorageTest, UnreachableServerFailsToOpenAsUnavailable) {
  StorageSettings unreachable = config_;
  unreachable.url = "postgresql://kontalk@127.0.0.1:1/kontalk";
  auto storage = openStorage(unreachable);
  ASSERT_FALSE(storage);
  EXPECT_EQ(storage.error().code, StatusCode::Unavailable);
}

TEST_F(PostgresStorageTest, BackupPointsAtPgDump) {
  auto backup = backupStorage(config_, "/nonexistent/backup");
  ASSERT_FALSE(backup);
  EXPECT_EQ(backup.error().code, StatusCode::Unsupported);
  EXPECT_NE(backup.error().message.find("pg_dump"), std::string::npos);
}

}  // namespace
}  // namespace kontalk::storage::postgresql
