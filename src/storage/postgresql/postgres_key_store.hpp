#pragma once
// KeyStore on PostgreSQL: tables keyring and account_keys (see migrations.cpp).
// Threading: every method may be called from any thread (each on a pooled
// connection of its own); they block, so never on a shard.

#include "storage/key_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresKeyStore final : public KeyStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresKeyStore(ConnectionPool& pool) : pool_(pool) {}

  Result<void> setCurrentKey(const std::string& username, const std::string& domain,
                             const StoredKey& key) override;
  Result<std::optional<StoredKey>> currentKey(const std::string& username,
                                              const std::string& domain) override;
  Result<std::optional<StoredKey>> keyByFingerprint(const std::string& fingerprint) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
