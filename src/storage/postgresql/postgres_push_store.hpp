#pragma once
// PushStore on PostgreSQL: tables push_registrations and push_app_servers, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/postgresql/connection_pool.hpp"
#include "storage/push_store.hpp"

namespace kontalk::storage::postgresql {

class PostgresPushStore final : public PushStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresPushStore(ConnectionPool& pool) : pool_(pool) {}

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
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
