#pragma once
// OfflineStore on SQLite: tables offline_messages (local accounts) and remote_messages (the
// remote queue).
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/offline_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteOfflineStore final : public OfflineStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteOfflineStore(GuardedDatabase& database) : database_(database) {}

  Result<std::vector<AppendOutcome>> commit(const std::vector<JournalAppend>& appends,
                                            const std::vector<std::int64_t>& removals) override;
  Result<std::int64_t> highestId() override;
  Result<std::vector<OfflineMessage>> pending(const std::string& username,
                                              const std::string& domain, std::int64_t now,
                                              std::int64_t afterId, PendingLimit limit) override;
  Result<std::int64_t> purgeExpired(std::int64_t now) override;
  Result<std::vector<std::string>> remoteDomains(std::int64_t now) override;
  Result<std::vector<OfflineMessage>> pendingRemote(const std::string& domain, std::int64_t now,
                                                    std::int64_t afterId,
                                                    PendingLimit limit) override;
  Result<std::vector<OfflineMessage>> expiredRemote(std::int64_t now, std::size_t limit) override;
  Result<StoredCounts> countStored() override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
