#pragma once
// BlockingStore on SQLite: table blocked_jids.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/blocking_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteBlockingStore final : public BlockingStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteBlockingStore(GuardedDatabase& database) : database_(database) {}

  Result<std::vector<std::string>> blocked(const std::string& username,
                                           const std::string& domain) override;
  Result<std::vector<BlockEntry>> all(const std::string& domain) override;
  Result<void> block(const std::string& username, const std::string& domain,
                     const std::vector<std::string>& jids) override;
  Result<void> unblock(const std::string& username, const std::string& domain,
                       const std::vector<std::string>& jids) override;
  Result<void> unblockAll(const std::string& username, const std::string& domain) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
