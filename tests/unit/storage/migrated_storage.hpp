#pragma once
// A GoogleTest fixture base for tests that need real, migrated storage, opened with
// openStorage() and migrated to the current schema before the test body runs: the database
// kontalkd itself would open. Each test gets a fresh one: a SQLite file in its own temporary
// directory, or, when KONTALK_TEST_POSTGRES_URL is set (scripts/with-postgres), a PostgreSQL
// database of its own on that server (postgres_test_database.hpp), so that the same tests cover
// both backends. Shared by the storage tests and the offline journal's tests.

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "postgres_test_database.hpp"
#include "storage/backends/open_storage.hpp"
#include "temporary_directory.hpp"

namespace kontalk::storage::testing {

class MigratedStorageTest : public ::testing::Test {
 protected:
  MigratedStorageTest() { config_.path = (directory_.path() / "kontalk.db").string(); }
  // The storage closes before its PostgreSQL database is dropped.
  ~MigratedStorageTest() override { storage_.reset(); }

  // Subclasses that override SetUp() call this first; a failure here is fatal for the test.
  void SetUp() override {
    if (auto url = postgresTestUrl()) {
      auto database = PostgresTestDatabase::create(*url);
      ASSERT_TRUE(database) << "creating a test database: " << database.error().message;
      postgres_.emplace(std::move(*database));
      config_.backend = "postgresql";
      config_.url = postgres_->url();
    }
    ASSERT_TRUE(reopen());
    auto migrated = storage_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  // Closes the storage and opens the same database again, without migrating: what survives
  // this is what survives a restart of the server.
  ::testing::AssertionResult reopen() {
    storage_.reset();
    auto opened = openStorage(config_);
    if (!opened) return ::testing::AssertionFailure() << "openStorage: " << opened.error().message;
    storage_ = std::move(*opened);
    return ::testing::AssertionSuccess();
  }

  // Accounts without credentials. createdAt is fixed so that no row depends on the clock. Fails
  // rather than crashes when SetUp() could not open the storage, so that a subclass's
  // ASSERT_TRUE(createAccounts(...)) also stops a test whose storage is missing.
  ::testing::AssertionResult createAccounts(std::initializer_list<const char*> usernames,
                                            const std::string& domain = "example.org") {
    if (!storage_) return ::testing::AssertionFailure() << "storage is not open";
    for (const char* username : usernames) {
      auto created = storage_->accounts().create(Account{username, domain, {}, {}, 1});
      if (!created) {
        return ::testing::AssertionFailure()
               << "creating " << username << "@" << domain << ": " << created.error().message;
      }
    }
    return ::testing::AssertionSuccess();
  }

  Storage& storage() { return *storage_; }
  const StorageSettings& config() const { return config_; }
  bool onPostgres() const { return postgres_.has_value(); }

 private:
  TemporaryDirectory directory_;
  std::optional<PostgresTestDatabase> postgres_;
  StorageSettings config_;
  std::unique_ptr<Storage> storage_;
};

}  // namespace kontalk::storage::testing
