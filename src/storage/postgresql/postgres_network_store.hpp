#pragma once
// NetworkStore on PostgreSQL: table network_servers, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/network_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresNetworkStore final : public NetworkStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresNetworkStore(ConnectionPool& pool) : pool_(pool) {}

  Result<std::vector<NetworkServerRow>> all() override;
  Result<void> add(const std::string& domain, const std::string& fingerprint) override;
  Result<void> remove(const std::string& domain) override;
  Result<void> setEnabled(const std::string& domain, bool enabled) override;

 private:
  // One upsert: (fingerprint, enabled, removed) for a new row, `update` the SET clause for an
  // existing one.
  Result<void> upsert(const std::string& domain, const std::string& fingerprint, bool enabled,
                      bool removed, std::string_view update);

  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
