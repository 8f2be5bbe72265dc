#pragma once
// NetworkStore on SQLite: table network_servers.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/network_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteNetworkStore final : public NetworkStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteNetworkStore(GuardedDatabase& database) : database_(database) {}

  Result<std::vector<NetworkServerRow>> all() override;
  Result<void> add(const std::string& domain, const std::string& fingerprint) override;
  Result<void> remove(const std::string& domain) override;
  Result<void> setEnabled(const std::string& domain, bool enabled) override;

 private:
  // One upsert: `insertValues` for a new row (fingerprint, enabled, removed), `update` the SET
  // clause for an existing one.
  Result<void> upsert(const std::string& domain, const std::string& fingerprint, bool enabled,
                      bool removed, const char* update);

  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
