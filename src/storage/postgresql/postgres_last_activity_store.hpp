#pragma once
// LastActivityStore on PostgreSQL: table last_activity, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/last_activity_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresLastActivityStore final : public LastActivityStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresLastActivityStore(ConnectionPool& pool) : pool_(pool) {}

  Result<void> record(const std::string& username, const std::string& domain,
                      const LastActivity& activity) override;
  Result<std::optional<LastActivity>> find(const std::string& username,
                                           const std::string& domain) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
