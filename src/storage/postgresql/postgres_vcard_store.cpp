#include "storage/postgresql/postgres_vcard_store.hpp"

#include "base/unix_time.hpp"
#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {

Result<void> PostgresVcardStore::save(const std::string& username, const std::string& domain,
                                      const std::string& vcardXml) {
  return pool_.withConnection([&](Connection& connection) {
    // The foreign key refuses an unknown account: one statement, no separate check.
    return writtenForAccount(
        connection.query(
            "INSERT INTO vcards (domain, username, vcard, updated_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (domain, username) DO UPDATE SET vcard = excluded.vcard, "
            "updated_at = excluded.updated_at",
            Parameters().text(domain).text(username).text(vcardXml).int64(base::unixNow())),
        username, domain);
  });
}

Result<std::optional<std::string>> PostgresVcardStore::find(const std::string& username,
                                                            const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<std::string>> {
    auto rows = connection.query("SELECT vcard FROM vcards WHERE domain = $1 AND username = $2",
                                 Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::optional<std::string>();
    return std::optional<std::string>(rows->text(0, 0));
  });
}

}  // namespace kontalk::storage::postgresql
