#pragma once
// PushStore on SQLite: table push_registrations.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/push_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqlitePushStore final : public PushStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqlitePushStore(GuardedDatabase& database) : database_(database) {}

  Result<void> put(const std::string& username, const std::string& domain,
                   const std::string& provider, const std::string& token, std::int64_t at) override;
  Result<void> remove(const std::string& username, const std::string& domain,
                      const std::string& provider) override;
  Result<bool> removeToken(const std::string& username, const std::string& domain,
                           const std::string& provider, const std::string& token) override;
  Result<std::vector<PushRegistration>> find(const std::string& username,
                                             const std::string& domain) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
