#include "storage/sqlite/sqlite_key_store.hpp"

#include "storage/sqlite/key_rows.hpp"

namespace kontalk::storage::sqlite {
namespace {

Result<std::optional<StoredKey>> readKey(Statement& select) {
  auto row = select.step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<StoredKey>();
  return std::optional<StoredKey>(
      StoredKey{select.columnText(0), select.columnBlob(1), select.columnInt64(2)});
}

}  // namespace

Result<void> SqliteKeyStore::setCurrentKey(const std::string& username, const std::string& domain,
                                           const StoredKey& key) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    auto exists = database.prepare("SELECT 1 FROM accounts WHERE domain = ? AND username = ?");
    if (!exists) return tl::unexpected(exists.error());
    exists->bindText(1, domain);
    exists->bindText(2, username);
    auto found = exists->step();
    if (!found) return tl::unexpected(found.error());
    if (!*found)
      return failure(StatusCode::NotFound, "keys: no account " + username + "@" + domain);

    if (auto done = writeCurrentKey(database, username, domain, key); !done) return done;
    return transaction->commit();
  });
}

// Key reads serve certificate login: on the reader, never behind the journal's commits.
Result<std::optional<StoredKey>> SqliteKeyStore::currentKey(const std::string& username,
                                                            const std::string& domain) {
  return database_.withReader([&](Database& database) -> Result<std::optional<StoredKey>> {
    auto select = database.prepare(
        "SELECT keyring.fingerprint, keyring.key, keyring.stored_at FROM account_keys "
        "JOIN keyring ON keyring.fingerprint = account_keys.fingerprint "
        "WHERE account_keys.domain = ? AND account_keys.username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    return readKey(*select);
  });
}

Result<std::optional<StoredKey>> SqliteKeyStore::keyByFingerprint(const std::string& fingerprint) {
  return database_.withReader([&](Database& database) -> Result<std::optional<StoredKey>> {
    auto select =
        database.prepare("SELECT fingerprint, key, stored_at FROM keyring WHERE fingerprint = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, fingerprint);
    return readKey(*select);
  });
}

}  // namespace kontalk::storage::sqlite
