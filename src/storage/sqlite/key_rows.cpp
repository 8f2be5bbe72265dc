#include "storage/sqlite/key_rows.hpp"

#include "base/unix_time.hpp"

namespace kontalk::storage::sqlite {

Result<void> writeCurrentKey(Database& database, const std::string& username,
                             const std::string& domain, const StoredKey& key) {
  // A newer copy of the same key (e.g. with the server's certification) replaces the older.
  auto store = database.prepare(
      "INSERT INTO keyring (fingerprint, key, stored_at) VALUES (?, ?, ?) "
      "ON CONFLICT (fingerprint) DO UPDATE SET key = excluded.key, stored_at = "
      "excluded.stored_at");
  if (!store) return tl::unexpected(store.error());
  store->bindText(1, key.fingerprint);
  store->bindBlob(2, key.keyBinary);
  store->bindInt64(3, key.storedAt != 0 ? key.storedAt : base::unixNow());
  if (auto done = store->run(); !done) return done;

  auto current = database.prepare(
      "INSERT INTO account_keys (domain, username, fingerprint) VALUES (?, ?, ?) "
      "ON CONFLICT (domain, username) DO UPDATE SET fingerprint = excluded.fingerprint");
  if (!current) return tl::unexpected(current.error());
  current->bindText(1, domain);
  current->bindText(2, username);
  current->bindText(3, key.fingerprint);
  return current->run();
}

}  // namespace kontalk::storage::sqlite
