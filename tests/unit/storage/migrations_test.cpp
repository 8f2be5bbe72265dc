#include "storage/sqlite/migrations.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temporary_directory.hpp"

namespace kontalk::storage::sqlite {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open((directory_.path() / "test.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    database_.emplace(std::move(*opened));
  }

  testing::TemporaryDirectory directory_;
  std::optional<Database> database_;
};

TEST_F(MigrationsTest, VersionsAreNumberedWithoutGaps) {
  int expected = 1;
  for (const Migration& migration : migrations()) {
    EXPECT_EQ(migration.version, expected++);
    EXPECT_FALSE(migration.statements.empty());
  }
  EXPECT_EQ(latestSchemaVersion(), expected - 1);
}

TEST_F(MigrationsTest, AppliesAllOnceAndRecordsThem) {
  EXPECT_EQ(appliedSchemaVersion(*database_).value(), 0);
  auto first = applyPendingMigrations(*database_);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, latestSchemaVersion());
  EXPECT_EQ(appliedSchemaVersion(*database_).value(), latestSchemaVersion());
  EXPECT_EQ(applyPendingMigrations(*database_).value(), 0);

  auto recorded = database_->prepare("SELECT COUNT(*), MIN(applied_at) FROM schema_migrations");
  ASSERT_TRUE(recorded);
  ASSERT_TRUE(recorded->step().value());
  EXPECT_EQ(recorded->columnInt64(0), latestSchemaVersion());
  EXPECT_GT(recorded->columnInt64(1), 0);
}

TEST_F(MigrationsTest, AppliesOnlyTheMissingOnes) {
  // A database left at version 1 by an older build with migration 1's tables in place.
  ASSERT_TRUE(applyPendingMigrations(*database_));
  ASSERT_TRUE(database_->execute("DELETE FROM schema_migrations WHERE version > 1"));
  // Drop what the later migrations created, as a build that stopped at version 1 never had it.
  // Dropping a table drops its indexes too; foreign keys are off so the order does not matter.
  ASSERT_TRUE(database_->execute("PRAGMA foreign_keys = OFF"));
  std::vector<std::string> later;
  auto tables = database_->prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
      "('accounts', 'account_credentials', 'schema_migrations') AND name NOT LIKE 'sqlite_%'");
  ASSERT_TRUE(tables);
  while (tables->step().value()) later.push_back(tables->columnText(0));
  for (const auto& table : later) ASSERT_TRUE(database_->execute("DROP TABLE " + table));
  EXPECT_EQ(applyPendingMigrations(*database_).value(), latestSchemaVersion() - 1);
}

TEST_F(MigrationsTest, AFailingMigrationLeavesNoTrace) {
  // account_credentials already exists, so migration 1 fails at its second statement, after
  // creating accounts; its transaction must roll back entirely.
  ASSERT_TRUE(database_->execute("CREATE TABLE account_credentials (x INTEGER)"));
  auto result = applyPendingMigrations(*database_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, StatusCode::Internal);
  EXPECT_EQ(appliedSchemaVersion(*database_).value(), 0);
  EXPECT_FALSE(database_->prepare("SELECT 1 FROM accounts"));
}

TEST_F(MigrationsTest, RefusesASchemaFromANewerBuild) {
  ASSERT_TRUE(applyPendingMigrations(*database_));
  ASSERT_TRUE(checkSchemaNotNewer(*database_));
  auto future =
      database_->prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)");
  ASSERT_TRUE(future);
  future->bindInt64(1, latestSchemaVersion() + 1);
  ASSERT_TRUE(future->run());

  auto checked = checkSchemaNotNewer(*database_);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, StatusCode::Unsupported);
  EXPECT_NE(checked.error().message.find("newer"), std::string::npos);
  auto migrated = applyPendingMigrations(*database_);
  ASSERT_FALSE(migrated);
  EXPECT_EQ(migrated.error().code, StatusCode::Unsupported);
}

}  // namespace
}  // namespace kontalk::storage::sqlite
