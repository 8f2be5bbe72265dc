#include "storage/sqlite/sqlite_private_store.hpp"

#include "base/unix_time.hpp"
#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

Result<void> SqlitePrivateStore::save(const std::string& username, const std::string& domain,
                                      const PrivateKey& key, const std::string& xml,
                                      std::size_t maxTotalBytes) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    // One connection, one writer at a time: the sum and the write cannot interleave with
    // another save of the account.
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) return exists;
    auto others = database.prepare(
        "SELECT COALESCE(SUM(length(CAST(xml AS BLOB))), 0) FROM private_xml "
        "WHERE domain = ? AND username = ? AND NOT (name = ? AND namespace = ?)");
    if (!others) return tl::unexpected(others.error());
    others->bindText(1, domain);
    others->bindText(2, username);
    others->bindText(3, key.name);
    others->bindText(4, key.xmlns);
    if (auto row = others->step(); !row) return tl::unexpected(row.error());
    if (static_cast<std::size_t>(others->columnInt64(0)) + xml.size() > maxTotalBytes) {
      return failure(StatusCode::Overloaded, "the account's private storage is full");
    }
    auto upsert = database.prepare(
        "INSERT INTO private_xml (domain, username, name, namespace, xml, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (domain, username, name, namespace) "
        "DO UPDATE SET xml = excluded.xml, updated_at = excluded.updated_at");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, key.name);
    upsert->bindText(4, key.xmlns);
    upsert->bindText(5, xml);
    upsert->bindInt64(6, base::unixNow());
    if (auto done = upsert->run(); !done) return done;
    return transaction->commit();
  });
}

Result<std::optional<std::string>> SqlitePrivateStore::find(const std::string& username,
                                                            const std::string& domain,
                                                            const PrivateKey& key) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<std::string>> {
    auto select = database.prepare(
        "SELECT xml FROM private_xml "
        "WHERE domain = ? AND username = ? AND name = ? AND namespace = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    select->bindText(3, key.name);
    select->bindText(4, key.xmlns);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(select->columnText(0));
  });
}

}  // namespace kontalk::storage::sqlite
