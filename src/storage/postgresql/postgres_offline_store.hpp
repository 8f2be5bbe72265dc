#pragma once
// OfflineStore on PostgreSQL: tables offline_messages (local accounts) and remote_messages (the
// remote queue), as on SQLite.
//
// commit() is one transaction per batch (the journal's group commit): BEGIN, one statement per
// append (its quota checks, its account check and its insert in one round trip, so that it sees
// the earlier appends of the batch), one statement that remembers the highest id, one that
// removes every id of the batch from both tables (id = ANY($1)), COMMIT.
//
// The highest id ever stored is kept in offline_messages' id sequence (setval; the journal gives
// ids, so the sequence only serves as that durable high-water mark), so that highestId() does not
// go down when the newest messages are removed, as SQLite's AUTOINCREMENT counter does not.
//
// Quotas are checked in the committing transaction (READ COMMITTED): commits of one kontalkd are
// serialized by its journal writer, so they see each other exactly as on SQLite; two servers
// committing for the same account at the same moment may each let one message past the quota.
//
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/offline_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresOfflineStore final : public OfflineStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresOfflineStore(ConnectionPool& pool) : pool_(pool) {}

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
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
