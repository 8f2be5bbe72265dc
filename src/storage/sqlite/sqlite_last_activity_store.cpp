#include "storage/sqlite/sqlite_last_activity_store.hpp"

#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

Result<void> SqliteLastActivityStore::record(const std::string& username, const std::string& domain,
                                             const LastActivity& activity) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) return exists;
    auto upsert = database.prepare(
        "INSERT INTO last_activity (domain, username, at, status) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (domain, username) DO UPDATE SET at = excluded.at, status = excluded.status");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindInt64(3, activity.at);
    upsert->bindText(4, activity.status);
    if (auto done = upsert->run(); !done) return done;
    return transaction->commit();
  });
}

Result<std::optional<LastActivity>> SqliteLastActivityStore::find(const std::string& username,
                                                                  const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<LastActivity>> {
    auto select =
        database.prepare("SELECT at, status FROM last_activity WHERE domain = ? AND username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<LastActivity>();
    return std::optional<LastActivity>(LastActivity{select->columnInt64(0), select->columnText(1)});
  });
}

}  // namespace kontalk::storage::sqlite
