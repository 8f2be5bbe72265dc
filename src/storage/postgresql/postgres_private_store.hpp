#pragma once
// PrivateStore on PostgreSQL: table private_xml, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/postgresql/connection_pool.hpp"
#include "storage/private_store.hpp"

namespace kontalk::storage::postgresql {

class PostgresPrivateStore final : public PrivateStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresPrivateStore(ConnectionPool& pool) : pool_(pool) {}

  Result<void> save(const std::string& username, const std::string& domain, const PrivateKey& key,
                    const std::string& xml, std::size_t maxTotalBytes) override;
  Result<std::optional<std::string>> find(const std::string& username, const std::string& domain,
                                          const PrivateKey& key) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
