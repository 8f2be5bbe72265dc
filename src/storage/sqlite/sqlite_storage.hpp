#pragma once
// The SQLite backend of the storage facade: one database file, one guarded connection shared by
// every store (see guarded_database.hpp for why).

#include <memory>
#include <utility>

#include "storage/sqlite/guarded_database.hpp"
#include "storage/sqlite/sqlite_account_store.hpp"
#include "storage/storage.hpp"

namespace kontalk::storage::sqlite {

class SqliteStorage final : public Storage {
 public:
  // Opens config.path (see database_setup.hpp) and refuses a schema newer than this build.
  static Result<std::unique_ptr<SqliteStorage>> open(const StorageConfig& config);

  explicit SqliteStorage(Database database)
      : database_(std::move(database)), accounts_(database_) {}

  AccountStore& accounts() override { return accounts_; }
  Result<int> migrate() override;
  Result<int> schemaVersion() override;
  void flush() override;

 private:
  GuardedDatabase database_;  // declared first: the stores refer to it
  SqliteAccountStore accounts_;
};

}  // namespace kontalk::storage::sqlite
