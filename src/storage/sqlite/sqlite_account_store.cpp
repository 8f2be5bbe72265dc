#include "storage/sqlite/sqlite_account_store.hpp"

#include "base/unix_time.hpp"
#include "storage/sqlite/key_rows.hpp"

#include <chrono>

namespace kontalk::storage::sqlite {

namespace {

// Hash names as RFC 5802 / RFC 7677 spell them in the mechanism names.
constexpr std::string_view kSha1 = "SHA-1";
constexpr std::string_view kSha256 = "SHA-256";

Result<void> insertCredentials(Database& database, const Account& account, std::string_view hash,
                               const ScramCredentials& credentials) {
  auto insert = database.prepare(
      "INSERT INTO account_credentials "
      "(domain, username, hash, salt, iterations, stored_key, server_key) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  insert->bindText(1, account.domain);
  insert->bindText(2, account.username);
  insert->bindText(3, hash);
  insert->bindBlob(4, credentials.salt);
  insert->bindInt64(5, credentials.iterations);
  insert->bindBlob(6, credentials.storedKey);
  insert->bindBlob(7, credentials.serverKey);
  return insert->run();
}

// Writes the account's credentials slots, refusing misfiled ones (checkCredentialSlots).
Result<void> insertAllCredentials(Database& database, const Account& account) {
  if (auto valid = checkCredentialSlots(account); !valid) return valid;
  if (account.scramSha1) {
    if (auto done = insertCredentials(database, account, kSha1, *account.scramSha1); !done) {
      return done;
    }
  }
  if (account.scramSha256) {
    if (auto done = insertCredentials(database, account, kSha256, *account.scramSha256); !done) {
      return done;
    }
  }
  return {};
}

Result<void> readCredentials(Database& database, Account& account) {
  auto select = database.prepare(
      "SELECT hash, salt, iterations, stored_key, server_key FROM account_credentials "
      "WHERE domain = ? AND username = ?");
  if (!select) return tl::unexpected(select.error());
  select->bindText(1, account.domain);
  select->bindText(2, account.username);
  for (;;) {
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    ScramCredentials credentials;
    credentials.salt = select->columnBlob(1);
    credentials.iterations = static_cast<std::uint32_t>(select->columnInt64(2));
    credentials.storedKey = select->columnBlob(3);
    credentials.serverKey = select->columnBlob(4);
    const std::string hash = select->columnText(0);
    if (hash == kSha1) {
      credentials.hash = ScramHash::Sha1;
      account.scramSha1 = std::move(credentials);
    } else if (hash == kSha256) {
      credentials.hash = ScramHash::Sha256;
      account.scramSha256 = std::move(credentials);
    }
    // Other hash names can only come from a newer build; this one cannot use them.
  }
}

// The account row and its credentials; AlreadyExists when the account exists. Inside the
// caller's transaction.
Result<void> insertAccount(Database& database, const Account& account) {
  auto insert = database.prepare(
      "INSERT INTO accounts (domain, username, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  if (!insert) return tl::unexpected(insert.error());
  insert->bindText(1, account.domain);
  insert->bindText(2, account.username);
  insert->bindInt64(3, account.createdAt != 0 ? account.createdAt : base::unixNow());
  if (auto done = insert->run(); !done) return done;
  if (database.changes() == 0) {
    return failure(StatusCode::AlreadyExists,
                   "accounts: " + account.username + "@" + account.domain + " exists");
  }
  return insertAllCredentials(database, account);
}

// Everything the account owns goes with it through ON DELETE CASCADE (foreign_keys is ON).
// Returns whether there was such an account.
Result<bool> deleteAccount(Database& database, const std::string& username,
                           const std::string& domain) {
  auto remove = database.prepare("DELETE FROM accounts WHERE domain = ? AND username = ?");
  if (!remove) return tl::unexpected(remove.error());
  remove->bindText(1, domain);
  remove->bindText(2, username);
  if (auto done = remove->run(); !done) return tl::unexpected(done.error());
  return database.changes() > 0;
}

}  // namespace

Result<void> SqliteAccountStore::create(const Account& account) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto done = insertAccount(database, account); !done) return done;
    return transaction->commit();
  });
}

Result<std::optional<Account>> SqliteAccountStore::find(const std::string& username,
                                                        const std::string& domain) {
  // On the reader: every login asks this, and must not wait behind the journal's commits. The
  // first statement stays open until the credentials are read, so both see one snapshot.
  return database_.withReader([&](Database& database) -> Result<std::optional<Account>> {
    auto select =
        database.prepare("SELECT created_at FROM accounts WHERE domain = ? AND username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<Account>();
    Account account;
    account.username = username;
    account.domain = domain;
    account.createdAt = select->columnInt64(0);
    if (auto read = readCredentials(database, account); !read) {
      return tl::unexpected(read.error());
    }
    return std::optional<Account>(std::move(account));
  });
}

Result<void> SqliteAccountStore::setCredentials(const Account& account) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    auto exists = database.prepare("SELECT 1 FROM accounts WHERE domain = ? AND username = ?");
    if (!exists) return tl::unexpected(exists.error());
    exists->bindText(1, account.domain);
    exists->bindText(2, account.username);
    auto found = exists->step();
    if (!found) return tl::unexpected(found.error());
    if (!*found) {
      return failure(StatusCode::NotFound,
                     "accounts: no account " + account.username + "@" + account.domain);
    }
    auto clear =
        database.prepare("DELETE FROM account_credentials WHERE domain = ? AND username = ?");
    if (!clear) return tl::unexpected(clear.error());
    clear->bindText(1, account.domain);
    clear->bindText(2, account.username);
    if (auto done = clear->run(); !done) return done;
    if (auto done = insertAllCredentials(database, account); !done) return done;
    return transaction->commit();
  });
}

Result<void> SqliteAccountStore::remove(const std::string& username, const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto removed = deleteAccount(database, username, domain);
    if (!removed) return tl::unexpected(removed.error());
    if (!*removed) {
      return failure(StatusCode::NotFound, "accounts: no account " + username + "@" + domain);
    }
    return {};
  });
}

Result<void> SqliteAccountStore::replace(const Account& account, const StoredKey& currentKey) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto removed = deleteAccount(database, account.username, account.domain); !removed) {
      return tl::unexpected(removed.error());
    }
    if (auto done = insertAccount(database, account); !done) return done;
    if (auto done = writeCurrentKey(database, account.username, account.domain, currentKey);
        !done) {
      return done;
    }
    return transaction->commit();
  });
}

Result<std::vector<std::string>> SqliteAccountStore::list(const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<std::string>> {
    // BINARY collation orders by bytes, as std::string's operator< does.
    auto select =
        database.prepare("SELECT username FROM accounts WHERE domain = ? ORDER BY username");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    std::vector<std::string> usernames;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return usernames;
      usernames.push_back(select->columnText(0));
    }
  });
}

}  // namespace kontalk::storage::sqlite
