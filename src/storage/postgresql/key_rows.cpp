#include "storage/postgresql/key_rows.hpp"

#include "base/unix_time.hpp"

namespace kontalk::storage::postgresql {

Result<void> writeCurrentKey(Connection& connection, const std::string& username,
                             const std::string& domain, const StoredKey& key) {
  // A newer copy of the same key (e.g. with the server's certification) replaces the older.
  auto stored = connection.query(
      "INSERT INTO keyring (fingerprint, key, stored_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (fingerprint) DO UPDATE SET key = excluded.key, stored_at = "
      "excluded.stored_at",
      Parameters()
          .text(key.fingerprint)
          .bytea(key.keyBinary)
          .int64(key.storedAt != 0 ? key.storedAt : base::unixNow()));
  if (!stored) return tl::unexpected(stored.error());
  auto current = connection.query(
      "INSERT INTO account_keys (domain, username, fingerprint) VALUES ($1, $2, $3) "
      "ON CONFLICT (domain, username) DO UPDATE SET fingerprint = excluded.fingerprint",
      Parameters().text(domain).text(username).text(key.fingerprint));
  if (!current) return tl::unexpected(current.error());
  return {};
}

}  // namespace kontalk::storage::postgresql
