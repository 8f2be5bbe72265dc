#include "storage/sqlite/database_setup.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temporary_directory.hpp"

namespace kontalk::storage::sqlite {
namespace {

std::int64_t pragmaNumber(Database& database, std::string_view pragma) {
  auto query = database.prepare(pragma);
  EXPECT_TRUE(query);
  EXPECT_TRUE(query->step().value_or(false));
  return query->columnInt64(0);
}

TEST(DatabaseSetupTest, CreatesMissingDirectoriesAndAPrivateFile) {
  testing::TemporaryDirectory directory;
  const auto file = directory.path() / "a" / "b" / "kontalk.db";
  auto database = openDatabaseFile(file.string(), "full");
  ASSERT_TRUE(database) << database.error().message;
  ASSERT_TRUE(std::filesystem::exists(file));
  const auto permissions = std::filesystem::status(file).permissions();
  EXPECT_EQ(permissions & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(DatabaseSetupTest, AppliesWalForeignKeysAndSynchronous) {
  testing::TemporaryDirectory directory;
  auto full = openDatabaseFile((directory.path() / "full.db").string(), "full");
  ASSERT_TRUE(full) << full.error().message;
  auto mode = full->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  ASSERT_TRUE(mode->step().value());
  EXPECT_EQ(mode->columnText(0), "wal");
  EXPECT_EQ(pragmaNumber(*full, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(pragmaNumber(*full, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_GT(pragmaNumber(*full, "PRAGMA busy_timeout"), 0);

  auto normal = openDatabaseFile((directory.path() / "normal.db").string(), "normal");
  ASSERT_TRUE(normal) << normal.error().message;
  EXPECT_EQ(pragmaNumber(*normal, "PRAGMA synchronous"), 1);  // NORMAL
}

TEST(DatabaseSetupTest, RefusesUnknownSynchronousAndEmptyPath) {
  testing::TemporaryDirectory directory;
  auto off = openDatabaseFile((directory.path() / "off.db").string(), "off");
  ASSERT_FALSE(off);
  EXPECT_EQ(off.error().code, StatusCode::InvalidArgument);
  EXPECT_NE(off.error().message.find("off"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(directory.path() / "off.db"));
  EXPECT_FALSE(openDatabaseFile("", "full"));
}

TEST(DatabaseSetupTest, FailsWhenTheDirectoryCannotBeCreated) {
  testing::TemporaryDirectory directory;
  const auto blocker = directory.path() / "file";
  ASSERT_TRUE(Database::open(blocker.string()));  // a file where a directory should be
  auto database = openDatabaseFile((blocker / "kontalk.db").string(), "full");
  ASSERT_FALSE(database);
  EXPECT_EQ(database.error().code, StatusCode::Unavailable);
}

// The online backup copies what is committed, while another connection holds an open write
// transaction (a running server mid-commit): one consistent snapshot, in a private file that
// replaces an older backup, with no partial file left.
TEST(DatabaseSetupTest, BackupCopiesTheCommittedSnapshotWhileAWriterIsBusy) {
  testing::TemporaryDirectory directory;
  const auto live = (directory.path() / "live.db").string();
  auto writer = openDatabaseFile(live, "full");
  ASSERT_TRUE(writer) << writer.error().message;
  ASSERT_TRUE(writer->execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('committed')"));
  auto pending = Transaction::begin(*writer);
  ASSERT_TRUE(pending);
  ASSERT_TRUE(writer->execute("INSERT INTO t VALUES ('uncommitted')"));

  const auto backup = directory.path() / "backup.db";
  {
    std::ofstream older(backup);
    older << "an older backup";
  }
  auto reader = openReaderConnection(live);
  ASSERT_TRUE(reader) << reader.error().message;
  auto written = writeBackupFile(*reader, backup.string());
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_FALSE(std::filesystem::exists(backup.string() + ".partial"));
  EXPECT_EQ(std::filesystem::status(backup).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  auto copy = openDatabaseFile(backup.string(), "full");
  ASSERT_TRUE(copy) << copy.error().message;
  EXPECT_EQ(pragmaNumber(*copy, "SELECT COUNT(*) FROM t"), 1);
  auto value = copy->prepare("SELECT v FROM t");
  ASSERT_TRUE(value);
  ASSERT_TRUE(value->step().value_or(false));
  EXPECT_EQ(value->columnText(0), "committed");
}

TEST(DatabaseSetupTest, BackupThatCannotBePutInPlaceLeavesNothing) {
  testing::TemporaryDirectory directory;
  auto source = openDatabaseFile((directory.path() / "live.db").string(), "full");
  ASSERT_TRUE(source);
  const auto inTheWay = directory.path() / "a-directory";
  std::filesystem::create_directory(inTheWay);
  auto written = writeBackupFile(*source, inTheWay.string());
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, StatusCode::Unavailable);
  EXPECT_FALSE(std::filesystem::exists(inTheWay.string() + ".partial"));
}

}  // namespace
}  // namespace kontalk::storage::sqlite
