#pragma once
// OfflineStore on SQLite: table offline_messages. Thread-safe through the shared
// GuardedDatabase.

#include "storage/offline_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteOfflineStore final : public OfflineStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteOfflineStore(GuardedDatabase& database) : database_(database) {}

  Result<EnqueueOutcome> enqueue(const std::string& username, const std::string& domain,
                                 const OfflineMessage& message, std::size_t maxMessages) override;
  Result<std::vector<OfflineMessage>> pending(const std::string& username,
                                              const std::string& domain, std::int64_t now,
                                              std::size_t limit) override;
  Result<void> remove(const std::string& username, const std::string& domain,
                      const std::vector<std::int64_t>& ids) override;
  Result<std::int64_t> purgeExpired(std::int64_t now) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
