#pragma once
// BlockingStore on PostgreSQL: table blocked_jids, as on SQLite; JIDs are sorted by their bytes
// (COLLATE "C"), as SQLite sorts them, whatever the database's collation. block() and unblock()
// take the whole list in one statement.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/blocking_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresBlockingStore final : public BlockingStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresBlockingStore(ConnectionPool& pool) : pool_(pool) {}

  Result<std::vector<std::string>> blocked(const std::string& username,
                                           const std::string& domain) override;
  Result<std::vector<BlockEntry>> all(const std::string& domain) override;
  Result<void> block(const std::string& username, const std::string& domain,
                     const std::vector<std::string>& jids) override;
  Result<void> unblock(const std::string& username, const std::string& domain,
                       const std::vector<std::string>& jids) override;
  Result<void> unblockAll(const std::string& username, const std::string& domain) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
