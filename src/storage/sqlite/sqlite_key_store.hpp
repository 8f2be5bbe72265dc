#pragma once
// KeyStore on SQLite: tables keyring and account_keys (see migrations.cpp).
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/key_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteKeyStore final : public KeyStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteKeyStore(GuardedDatabase& database) : database_(database) {}

  Result<void> setCurrentKey(const std::string& username, const std::string& domain,
                             const StoredKey& key) override;
  Result<std::optional<StoredKey>> currentKey(const std::string& username,
                                              const std::string& domain) override;
  Result<std::optional<StoredKey>> keyByFingerprint(const std::string& fingerprint) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
