#include "storage/sqlite/sqlite_vcard_store.hpp"

#include <chrono>

#include "base/unix_time.hpp"
#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

namespace {}  // namespace

Result<void> SqliteVcardStore::save(const std::string& username, const std::string& domain,
                                    const std::string& vcardXml) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) return exists;
    auto upsert = database.prepare(
        "INSERT INTO vcards (domain, username, vcard, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (domain, username) DO UPDATE SET vcard = excluded.vcard, "
        "updated_at = excluded.updated_at");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, vcardXml);
    upsert->bindInt64(4, base::unixNow());
    if (auto done = upsert->run(); !done) return done;
    return transaction->commit();
  });
}

Result<std::optional<std::string>> SqliteVcardStore::find(const std::string& username,
                                                          const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<std::string>> {
    auto select = database.prepare("SELECT vcard FROM vcards WHERE domain = ? AND username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(select->columnText(0));
  });
}

}  // namespace kontalk::storage::sqlite
