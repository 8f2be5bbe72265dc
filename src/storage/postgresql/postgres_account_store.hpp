#pragma once
// AccountStore on PostgreSQL: tables accounts and account_credentials of migration 1.
// Threading: every method may be called from any thread (each on a pooled
// connection of its own); they block, so never on a shard.

#include "storage/account_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresAccountStore final : public AccountStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresAccountStore(ConnectionPool& pool) : pool_(pool) {}

  Result<void> create(const Account& account) override;
  Result<std::optional<Account>> find(const std::string& username,
                                      const std::string& domain) override;
  Result<void> setCredentials(const Account& account) override;
  Result<void> remove(const std::string& username, const std::string& domain) override;
  Result<void> replace(const Account& account, const StoredKey& currentKey) override;
  Result<std::vector<std::string>> list(const std::string& domain) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
