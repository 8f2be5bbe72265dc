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
