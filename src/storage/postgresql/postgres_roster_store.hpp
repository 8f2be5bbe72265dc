#pragma once
// RosterStore on PostgreSQL: tables roster_items, roster_groups, roster_versions,
// roster_pending_subscriptions and last_presences, as on SQLite. Contacts are ordered by their
// bytes (COLLATE "C"), as SQLite orders them, whatever the database's collation.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/postgresql/connection_pool.hpp"
#include "storage/roster_store.hpp"

namespace kontalk::storage::postgresql {

class PostgresRosterStore final : public RosterStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresRosterStore(ConnectionPool& pool) : pool_(pool) {}

  Result<std::vector<RosterItem>> items(const std::string& username,
                                        const std::string& domain) override;
  Result<std::optional<RosterItem>> item(const std::string& username, const std::string& domain,
                                         const std::string& contact) override;
  Result<std::int64_t> itemCount(const std::string& username, const std::string& domain) override;
  Result<std::int64_t> putItem(const std::string& username, const std::string& domain,
                               const RosterItem& item) override;
  Result<std::int64_t> removeItem(const std::string& username, const std::string& domain,
                                  const std::string& contact) override;
  Result<std::int64_t> version(const std::string& username, const std::string& domain) override;

  Result<void> putPendingSubscription(const std::string& username, const std::string& domain,
                                      const PendingSubscription& request) override;
  Result<bool> removePendingSubscription(const std::string& username, const std::string& domain,
                                         const std::string& contact) override;
  Result<std::optional<PendingSubscription>> pendingSubscription(
      const std::string& username, const std::string& domain, const std::string& contact) override;
  Result<std::vector<PendingSubscription>> pendingSubscriptions(const std::string& username,
                                                                const std::string& domain) override;

  Result<void> setLastPresence(const std::string& username, const std::string& domain,
                               const LastPresence& presence) override;
  Result<std::optional<LastPresence>> lastPresence(const std::string& username,
                                                   const std::string& domain) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
