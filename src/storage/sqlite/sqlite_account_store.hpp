#pragma once
// AccountStore on SQLite: tables accounts and account_credentials of migration 1.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/account_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteAccountStore final : public AccountStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteAccountStore(GuardedDatabase& database) : database_(database) {}

  Result<void> create(const Account& account) override;
  Result<std::optional<Account>> find(const std::string& username,
                                      const std::string& domain) override;
  Result<void> setCredentials(const Account& account) override;
  Result<void> remove(const std::string& username, const std::string& domain) override;
  Result<void> replace(const Account& account, const StoredKey& currentKey) override;
  Result<std::vector<std::string>> list(const std::string& domain) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
