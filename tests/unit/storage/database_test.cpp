#include "storage/sqlite/database.hpp"

#include <gtest/gtest.h>

#include "temporary_directory.hpp"

namespace kontalk::storage::sqlite {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open((directory_.path() / "test.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    database_.emplace(std::move(*opened));
    ASSERT_TRUE(database_->execute("CREATE TABLE items (name TEXT, data BLOB)"));
  }

  std::int64_t countItems() {
    auto count = database_->prepare("SELECT COUNT(*) FROM items");
    EXPECT_TRUE(count);
    EXPECT_TRUE(count->step().value_or(false));
    return count->columnInt64(0);
  }

  testing::TemporaryDirectory directory_;
  std::optional<Database> database_;
};

TEST_F(DatabaseTest, BlobsKeepNulBytesAndEmptyBlobsAreNotNull) {
  const std::string binary("\0a\0\xff", 4);
  auto insert = database_->prepare("INSERT INTO items (name, data) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  insert->bindText(1, "binary");
  insert->bindBlob(2, binary);
  ASSERT_TRUE(insert->run());
  insert->reset();
  insert->bindText(1, "empty");
  insert->bindBlob(2, std::string_view());
  ASSERT_TRUE(insert->run());

  auto select =
      database_->prepare("SELECT data, data IS NULL, length(data) FROM items ORDER BY name");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->columnBlob(0), binary);
  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->columnBlob(0), "");
  EXPECT_EQ(select->columnInt64(1), 0);
  EXPECT_EQ(select->columnInt64(2), 0);
  EXPECT_FALSE(select->step().value());
}

TEST_F(DatabaseTest, BindErrorIsReportedByStep) {
  auto insert = database_->prepare("INSERT INTO items (name) VALUES (?)");
  ASSERT_TRUE(insert);
  insert->bindText(2, "no such parameter");
  auto ran = insert->run();
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().code, StatusCode::Internal);
  EXPECT_EQ(countItems(), 0);
}

TEST_F(DatabaseTest, SqlErrorsAreValues) {
  auto prepared = database_->prepare("SELECT * FROM no_such_table");
  ASSERT_FALSE(prepared);
  EXPECT_NE(prepared.error().message.find("no_such_table"), std::string::npos);
  EXPECT_FALSE(database_->prepare("SELECT 1; SELECT 2"));
  EXPECT_FALSE(database_->execute("NOT SQL"));
}

TEST_F(DatabaseTest, UncommittedTransactionRollsBack) {
  {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(database_->execute("INSERT INTO items (name) VALUES ('dropped')"));
  }
  EXPECT_EQ(countItems(), 0);
  {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(database_->execute("INSERT INTO items (name) VALUES ('kept')"));
    ASSERT_TRUE(transaction->commit());
  }
  EXPECT_EQ(countItems(), 1);
}

TEST_F(DatabaseTest, ChangesCountsAffectedRows) {
  ASSERT_TRUE(database_->execute("INSERT INTO items (name) VALUES ('a'), ('b')"));
  EXPECT_EQ(database_->changes(), 2);
  ASSERT_TRUE(database_->execute("DELETE FROM items WHERE name = 'none'"));
  EXPECT_EQ(database_->changes(), 0);
}

}  // namespace
}  // namespace kontalk::storage::sqlite
