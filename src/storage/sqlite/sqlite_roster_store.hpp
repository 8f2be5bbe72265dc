#pragma once
// RosterStore on SQLite: tables roster_items, roster_groups, roster_versions,
// roster_pending_subscriptions and last_presences (see migrations.cpp).
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/roster_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteRosterStore final : public RosterStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteRosterStore(GuardedDatabase& database) : database_(database) {}

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
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
