#pragma once
// VcardStore on PostgreSQL: table vcards, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/postgresql/connection_pool.hpp"
#include "storage/vcard_store.hpp"

namespace kontalk::storage::postgresql {

class PostgresVcardStore final : public VcardStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresVcardStore(ConnectionPool& pool) : pool_(pool) {}

  Result<void> save(const std::string& username, const std::string& domain,
                    const std::string& vcardXml) override;
  Result<std::optional<std::string>> find(const std::string& username,
                                          const std::string& domain) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
