#include "storage/postgresql/postgres_push_store.hpp"

#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {

Result<void> PostgresPushStore::put(const std::string& username, const std::string& domain,
                                    const std::string& provider, const std::string& token,
                                    std::int64_t at) {
  return pool_.withConnection([&](Connection& connection) {
    // The foreign key refuses an unknown account: one statement, no separate check.
    return writtenForAccount(
        connection.query(
            "INSERT INTO push_registrations (domain, username, provider, token, updated_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (domain, username, provider) "
            "DO UPDATE SET token = excluded.token, updated_at = excluded.updated_at",
            Parameters().text(domain).text(username).text(provider).text(token).int64(at)),
        username, domain);
  });
}

Result<void> PostgresPushStore::remove(const std::string& username, const std::string& domain,
                                       const std::string& provider) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    auto removed = connection.query(
        "DELETE FROM push_registrations WHERE domain = $1 AND username = $2 AND provider = $3",
        Parameters().text(domain).text(username).text(provider));
    if (!removed) return tl::unexpected(removed.error());
    return {};
  });
}

Result<bool> PostgresPushStore::removeToken(const std::string& username, const std::string& domain,
                                            const std::string& provider, const std::string& token) {
  return pool_.withConnection([&](Connection& connection) -> Result<bool> {
    auto removed = connection.query(
        "DELETE FROM push_registrations WHERE domain = $1 AND username = $2 AND provider = $3 "
        "AND token = $4",
        Parameters().text(domain).text(username).text(provider).text(token));
    if (!removed) return tl::unexpected(removed.error());
    return removed->affected() > 0;
  });
}

Result<std::vector<PushRegistration>> PostgresPushStore::find(const std::string& username,
                                                              const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<PushRegistration>> {
    auto rows = connection.query(
        "SELECT provider, token, updated_at FROM push_registrations "
        "WHERE domain = $1 AND username = $2 ORDER BY provider COLLATE \"C\"",
        Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<PushRegistration> registrations;
    for (int row = 0; row < rows->count(); ++row) {
      registrations.push_back({rows->text(row, 0), rows->text(row, 1), rows->int64(row, 2)});
    }
    return registrations;
  });
}

Result<AppServerPut> PostgresPushStore::putAppServer(const std::string& username,
                                                     const std::string& domain,
                                                     const PushAppServer& entry,
                                                     std::size_t maxEntries) {
  return pool_.withConnection([&](Connection& connection) -> Result<AppServerPut> {
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    // The account row is locked for the transaction before the count, in a statement of its
    // own (READ COMMITTED: the count's snapshot is taken after the lock is granted), so that
    // two requests of one account cannot both pass the limit.
    auto locked = connection.query(
        "SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR NO KEY UPDATE",
        Parameters().text(domain).text(username));
    if (!locked) return tl::unexpected(locked.error());
    if (locked->count() == 0) {
      return failure(StatusCode::NotFound, "no account " + username + "@" + domain);
    }
    // Spec §8.4: re-enabling the same (jid, node) replaces it and is never over the limit.
    auto stored = connection.query(
        "INSERT INTO push_app_servers (domain, username, jid, node, options, updated_at) "
        "SELECT $1, $2, $3, $4, $5, $6 WHERE (SELECT COUNT(*) FROM push_app_servers "
        "WHERE domain = $1 AND username = $2 AND NOT (jid = $3 AND node = $4)) < $7 "
        "ON CONFLICT (domain, username, jid, node) "
        "DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at",
        Parameters()
            .text(domain)
            .text(username)
            .text(entry.jid)
            .text(entry.node)
            .text(entry.options)
            .int64(entry.updatedAt)
            .int64(static_cast<std::int64_t>(maxEntries)));
    if (!stored) return tl::unexpected(stored.error());
    if (stored->affected() == 0) return AppServerPut::TooMany;
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return AppServerPut::Stored;
  });
}

Result<std::int64_t> PostgresPushStore::removeAppServers(const std::string& username,
                                                         const std::string& domain,
                                                         const std::string& jid,
                                                         const std::optional<std::string>& node) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::int64_t> {
    Parameters parameters;
    parameters.text(domain).text(username).text(jid);
    if (node) parameters.text(*node);
    auto removed = connection.query(
        node ? "DELETE FROM push_app_servers WHERE domain = $1 AND username = $2 AND jid = $3 "
               "AND node = $4"
             : "DELETE FROM push_app_servers WHERE domain = $1 AND username = $2 AND jid = $3",
        parameters);
    if (!removed) return tl::unexpected(removed.error());
    return removed->affected();
  });
}

Result<std::vector<PushAppServer>> PostgresPushStore::appServers(const std::string& username,
                                                                 const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<PushAppServer>> {
    auto rows = connection.query(
        "SELECT jid, node, options, updated_at FROM push_app_servers "
        "WHERE domain = $1 AND username = $2 ORDER BY jid COLLATE \"C\", node COLLATE \"C\"",
        Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<PushAppServer> entries;
    for (int row = 0; row < rows->count(); ++row) {
      entries.push_back(
          {rows->text(row, 0), rows->text(row, 1), rows->text(row, 2), rows->int64(row, 3)});
    }
    return entries;
  });
}

Result<PushWaiting> PostgresPushStore::waiting(const std::string& username,
                                               const std::string& domain, std::int64_t now) {
  return pool_.withConnection([&](Connection& connection) -> Result<PushWaiting> {
    auto rows = connection.query(
        "SELECT (SELECT COUNT(*) FROM offline_messages WHERE domain = $1 AND username = $2 "
        "AND expires_at > $3), (SELECT COUNT(*) FROM roster_pending_subscriptions "
        "WHERE domain = $1 AND username = $2)",
        Parameters().text(domain).text(username).int64(now));
    if (!rows) return tl::unexpected(rows.error());
    return PushWaiting{rows->int64(0, 0), rows->int64(0, 1)};
  });
}

}  // namespace kontalk::storage::postgresql
