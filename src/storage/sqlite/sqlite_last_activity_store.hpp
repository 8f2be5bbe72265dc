#pragma once
// LastActivityStore on SQLite: table last_activity.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/last_activity_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteLastActivityStore final : public LastActivityStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteLastActivityStore(GuardedDatabase& database) : database_(database) {}

  Result<void> record(const std::string& username, const std::string& domain,
                      const LastActivity& activity) override;
  Result<std::optional<LastActivity>> find(const std::string& username,
                                           const std::string& domain) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
