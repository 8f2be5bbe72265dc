#include "storage/sqlite/sqlite_push_store.hpp"

#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

Result<void> SqlitePushStore::put(const std::string& username, const std::string& domain,
                                  const std::string& provider, const std::string& token,
                                  std::int64_t at) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) return exists;
    auto upsert = database.prepare(
        "INSERT INTO push_registrations (domain, username, provider, token, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain, username, provider) "
        "DO UPDATE SET token = excluded.token, updated_at = excluded.updated_at");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, provider);
    upsert->bindText(4, token);
    upsert->bindInt64(5, at);
    if (auto done = upsert->run(); !done) return done;
    return transaction->commit();
  });
}

Result<void> SqlitePushStore::remove(const std::string& username, const std::string& domain,
                                     const std::string& provider) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto erase = database.prepare(
        "DELETE FROM push_registrations WHERE domain = ? AND username = ? AND provider = ?");
    if (!erase) return tl::unexpected(erase.error());
    erase->bindText(1, domain);
    erase->bindText(2, username);
    erase->bindText(3, provider);
    return erase->run();
  });
}

Result<bool> SqlitePushStore::removeToken(const std::string& username, const std::string& domain,
                                          const std::string& provider, const std::string& token) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto erase = database.prepare(
        "DELETE FROM push_registrations WHERE domain = ? AND username = ? AND provider = ? "
        "AND token = ?");
    if (!erase) return tl::unexpected(erase.error());
    erase->bindText(1, domain);
    erase->bindText(2, username);
    erase->bindText(3, provider);
    erase->bindText(4, token);
    if (auto done = erase->run(); !done) return tl::unexpected(done.error());
    return database.changes() > 0;
  });
}

Result<std::vector<PushRegistration>> SqlitePushStore::find(const std::string& username,
                                                            const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<PushRegistration>> {
    auto select = database.prepare(
        "SELECT provider, token, updated_at FROM push_registrations "
        "WHERE domain = ? AND username = ? ORDER BY provider");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    std::vector<PushRegistration> registrations;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      registrations.push_back(
          {select->columnText(0), select->columnText(1), select->columnInt64(2)});
    }
    return registrations;
  });
}

}  // namespace kontalk::storage::sqlite

namespace kontalk::storage::sqlite {
namespace {

// One integer from a query whose values are bound already.
Result<std::int64_t> scalar(Statement& query) {
  auto row = query.step();
  if (!row) return tl::unexpected(row.error());
  return *row ? query.columnInt64(0) : 0;
}

}  // namespace

Result<AppServerPut> SqlitePushStore::putAppServer(const std::string& username,
                                                   const std::string& domain,
                                                   const PushAppServer& entry,
                                                   std::size_t maxEntries) {
  return database_.withDatabase([&](Database& database) -> Result<AppServerPut> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) {
      return tl::unexpected(exists.error());
    }
    // Spec §8.4: re-enabling the same (jid, node) replaces it and is never over the limit.
    auto others = database.prepare(
        "SELECT COUNT(*) FROM push_app_servers WHERE domain = ? AND username = ? "
        "AND NOT (jid = ? AND node = ?)");
    if (!others) return tl::unexpected(others.error());
    others->bindText(1, domain);
    others->bindText(2, username);
    others->bindText(3, entry.jid);
    others->bindText(4, entry.node);
    auto count = scalar(*others);
    if (!count) return tl::unexpected(count.error());
    if (static_cast<std::size_t>(*count) >= maxEntries) return AppServerPut::TooMany;
    auto upsert = database.prepare(
        "INSERT INTO push_app_servers (domain, username, jid, node, options, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (domain, username, jid, node) "
        "DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, entry.jid);
    upsert->bindText(4, entry.node);
    upsert->bindText(5, entry.options);
    upsert->bindInt64(6, entry.updatedAt);
    if (auto done = upsert->run(); !done) return tl::unexpected(done.error());
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return AppServerPut::Stored;
  });
}

Result<std::int64_t> SqlitePushStore::removeAppServers(const std::string& username,
                                                       const std::string& domain,
                                                       const std::string& jid,
                                                       const std::optional<std::string>& node) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto erase = database.prepare(
        node ? "DELETE FROM push_app_servers WHERE domain = ? AND username = ? AND jid = ? "
               "AND node = ?"
             : "DELETE FROM push_app_servers WHERE domain = ? AND username = ? AND jid = ?");
    if (!erase) return tl::unexpected(erase.error());
    erase->bindText(1, domain);
    erase->bindText(2, username);
    erase->bindText(3, jid);
    if (node) erase->bindText(4, *node);
    if (auto done = erase->run(); !done) return tl::unexpected(done.error());
    return database.changes();
  });
}

Result<std::vector<PushAppServer>> SqlitePushStore::appServers(const std::string& username,
                                                               const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<PushAppServer>> {
    auto select = database.prepare(
        "SELECT jid, node, options, updated_at FROM push_app_servers "
        "WHERE domain = ? AND username = ? ORDER BY jid, node");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    std::vector<PushAppServer> entries;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      entries.push_back({select->columnText(0), select->columnText(1), select->columnText(2),
                         select->columnInt64(3)});
    }
    return entries;
  });
}

Result<PushWaiting> SqlitePushStore::waiting(const std::string& username, const std::string& domain,
                                             std::int64_t now) {
  return database_.withDatabase([&](Database& database) -> Result<PushWaiting> {
    auto messages = database.prepare(
        "SELECT COUNT(*) FROM offline_messages WHERE domain = ? AND username = ? "
        "AND expires_at > ?");
    if (!messages) return tl::unexpected(messages.error());
    messages->bindText(1, domain);
    messages->bindText(2, username);
    messages->bindInt64(3, now);
    auto messageCount = scalar(*messages);
    if (!messageCount) return tl::unexpected(messageCount.error());
    auto subscriptions = database.prepare(
        "SELECT COUNT(*) FROM roster_pending_subscriptions WHERE domain = ? AND username = ?");
    if (!subscriptions) return tl::unexpected(subscriptions.error());
    subscriptions->bindText(1, domain);
    subscriptions->bindText(2, username);
    auto subscriptionCount = scalar(*subscriptions);
    if (!subscriptionCount) return tl::unexpected(subscriptionCount.error());
    return PushWaiting{*messageCount, *subscriptionCount};
  });
}

}  // namespace kontalk::storage::sqlite
