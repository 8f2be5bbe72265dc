#include "storage/postgresql/postgres_last_activity_store.hpp"

#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {

Result<void> PostgresLastActivityStore::record(const std::string& username,
                                               const std::string& domain,
                                               const LastActivity& activity) {
  return pool_.withConnection([&](Connection& connection) {
    // The foreign key refuses an unknown account: one statement, no separate check.
    return writtenForAccount(
        connection.query(
            "INSERT INTO last_activity (domain, username, at, status) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (domain, username) DO UPDATE SET at = excluded.at, "
            "status = excluded.status",
            Parameters().text(domain).text(username).int64(activity.at).text(activity.status)),
        username, domain);
  });
}

Result<std::optional<LastActivity>> PostgresLastActivityStore::find(const std::string& username,
                                                                    const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<LastActivity>> {
    auto rows =
        connection.query("SELECT at, status FROM last_activity WHERE domain = $1 AND username = $2",
                         Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::optional<LastActivity>();
    return std::optional<LastActivity>(LastActivity{rows->int64(0, 0), rows->text(0, 1)});
  });
}

}  // namespace kontalk::storage::postgresql
