#pragma once
// A GoogleTest fixture base for tests that need real, migrated storage: each test gets a fresh
// SQLite file in its own temporary directory, opened with openStorage() and migrated to the
// current schema before the test body runs. Shared by the storage tests and the offline
// journal's tests, so that they all start from the database kontalkd itself would open.

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>

#include "storage/backends/open_storage.hpp"
#include "temporary_directory.hpp"

namespace kontalk::storage::testing {

class MigratedStorageTest : public ::testing::Test {
 protected:
  MigratedStorageTest() { config_.path = (directory_.path() / "kontalk.db").string(); }

  // Subclasses that override SetUp() call this first; a failure here is fatal for the test.
  void SetUp() override {
    ASSERT_TRUE(reopen());
    auto migrated = storage_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  // Closes the storage and opens the same file again, without migrating: what survives this is
  // what survives a restart of the server.
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

 private:
  TemporaryDirectory directory_;
  StorageSettings config_;
  std::unique_ptr<Storage> storage_;
};

}  // namespace kontalk::storage::testing
