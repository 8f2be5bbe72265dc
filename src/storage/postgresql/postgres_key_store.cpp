#include "storage/postgresql/postgres_key_store.hpp"

#include "storage/postgresql/account_rows.hpp"
#include "storage/postgresql/key_rows.hpp"

namespace kontalk::storage::postgresql {
namespace {

std::optional<StoredKey> firstKey(const Rows& rows) {
  if (rows.count() == 0) return std::nullopt;
  return StoredKey{rows.text(0, 0), rows.bytea(0, 1), rows.int64(0, 2)};
}

}  // namespace

Result<void> PostgresKeyStore::setCurrentKey(const std::string& username, const std::string& domain,
                                             const StoredKey& key) {
  return pool_.withTransaction([&](Connection& connection) -> Result<void> {
    // FOR KEY SHARE: the account cannot be removed before this transaction ends.
    auto found =
        connection.query("SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR KEY SHARE",
                         Parameters().text(domain).text(username));
    if (!found) return tl::unexpected(found.error());
    if (found->count() == 0) {
      return failure(StatusCode::NotFound, "keys: no account " + username + "@" + domain);
    }
    return writeCurrentKey(connection, username, domain, key);
  });
}

Result<std::optional<StoredKey>> PostgresKeyStore::currentKey(const std::string& username,
                                                              const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<StoredKey>> {
    auto rows = connection.query(
        "SELECT keyring.fingerprint, keyring.key, keyring.stored_at FROM account_keys "
        "JOIN keyring ON keyring.fingerprint = account_keys.fingerprint "
        "WHERE account_keys.domain = $1 AND account_keys.username = $2",
        Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    return firstKey(*rows);
  });
}

Result<std::optional<StoredKey>> PostgresKeyStore::keyByFingerprint(
    const std::string& fingerprint) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<StoredKey>> {
    auto rows =
        connection.query("SELECT fingerprint, key, stored_at FROM keyring WHERE fingerprint = $1",
                         Parameters().text(fingerprint));
    if (!rows) return tl::unexpected(rows.error());
    return firstKey(*rows);
  });
}

}  // namespace kontalk::storage::postgresql
