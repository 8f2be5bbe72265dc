#include "storage/postgresql/postgres_private_store.hpp"

#include "base/unix_time.hpp"
#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {

Result<void> PostgresPrivateStore::save(const std::string& username, const std::string& domain,
                                        const PrivateKey& key, const std::string& xml,
                                        std::size_t maxTotalBytes) {
  return pool_.withTransaction([&](Connection& connection) -> Result<void> {
    // Locking the account row serializes the account's saves: two of them cannot both pass the
    // sum below and overrun the limit together. NO KEY UPDATE leaves foreign key checks of other
    // tables (KEY SHARE) unblocked.
    auto account = connection.query(
        "SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR NO KEY UPDATE",
        Parameters().text(domain).text(username));
    if (!account) return tl::unexpected(account.error());
    if (account->count() == 0) return noAccount(username, domain);
    auto others = connection.query(
        "SELECT COALESCE(SUM(octet_length(xml)), 0) FROM private_xml "
        "WHERE domain = $1 AND username = $2 AND NOT (name = $3 AND namespace = $4)",
        Parameters().text(domain).text(username).text(key.name).text(key.xmlns));
    if (!others) return tl::unexpected(others.error());
    if (static_cast<std::size_t>(others->int64(0, 0)) + xml.size() > maxTotalBytes) {
      return failure(StatusCode::Overloaded, "the account's private storage is full");
    }
    return writtenForAccount(
        connection.query(
            "INSERT INTO private_xml (domain, username, name, namespace, xml, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (domain, username, name, namespace) "
            "DO UPDATE SET xml = excluded.xml, updated_at = excluded.updated_at",
            Parameters().text(domain).text(username).text(key.name).text(key.xmlns).text(xml).int64(
                base::unixNow())),
        username, domain);
  });
}

Result<std::optional<std::string>> PostgresPrivateStore::find(const std::string& username,
                                                              const std::string& domain,
                                                              const PrivateKey& key) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<std::string>> {
    auto rows = connection.query(
        "SELECT xml FROM private_xml "
        "WHERE domain = $1 AND username = $2 AND name = $3 AND namespace = $4",
        Parameters().text(domain).text(username).text(key.name).text(key.xmlns));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::optional<std::string>();
    return std::optional<std::string>(rows->text(0, 0));
  });
}

}  // namespace kontalk::storage::postgresql
