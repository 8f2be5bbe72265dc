#pragma once
// PushStore on SQLite: tables push_registrations and push_app_servers; waiting() reads
// offline_messages and roster_pending_subscriptions.
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
  Result<AppServerPut> putAppServer(const std::string& username, const std::string& domain,
                                    const PushAppServer& entry, std::size_t maxEntries) override;
  Result<std::int64_t> removeAppServers(const std::string& username, const std::string& domain,
                                        const std::string& jid,
                                        const std::optional<std::string>& node) override;
  Result<std::vector<PushAppServer>> appServers(const std::string& username,
                                                const std::string& domain) override;
  Result<PushWaiting> waiting(const std::string& username, const std::string& domain,
                              std::int64_t now) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
