#include "storage/postgresql/postgres_account_store.hpp"

#include "base/unix_time.hpp"
#include "storage/postgresql/key_rows.hpp"

namespace kontalk::storage::postgresql {

namespace {

// Hash names as RFC 5802 / RFC 7677 spell them in the mechanism names.
constexpr std::string_view kSha1 = "SHA-1";
constexpr std::string_view kSha256 = "SHA-256";

Result<void> insertCredentials(Connection& connection, const Account& account,
                               std::string_view hash, const ScramCredentials& credentials) {
  auto inserted = connection.query(
      "INSERT INTO account_credentials "
      "(domain, username, hash, salt, iterations, stored_key, server_key) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      Parameters()
          .text(account.domain)
          .text(account.username)
          .text(hash)
          .bytea(credentials.salt)
          .int64(credentials.iterations)
          .bytea(credentials.storedKey)
          .bytea(credentials.serverKey));
  if (!inserted) return tl::unexpected(inserted.error());
  return {};
}

// Writes the account's credentials slots, refusing misfiled ones (checkCredentialSlots).
Result<void> insertAllCredentials(Connection& connection, const Account& account) {
  if (auto valid = checkCredentialSlots(account); !valid) return valid;
  if (account.scramSha1) {
    if (auto done = insertCredentials(connection, account, kSha1, *account.scramSha1); !done) {
      return done;
    }
  }
  if (account.scramSha256) {
    if (auto done = insertCredentials(connection, account, kSha256, *account.scramSha256); !done) {
      return done;
    }
  }
  return {};
}

// The account row and its credentials; AlreadyExists when the account exists. Inside the
// caller's transaction.
Result<void> insertAccount(Connection& connection, const Account& account) {
  auto inserted = connection.query(
      "INSERT INTO accounts (domain, username, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      Parameters()
          .text(account.domain)
          .text(account.username)
          .int64(account.createdAt != 0 ? account.createdAt : base::unixNow()));
  if (!inserted) return tl::unexpected(inserted.error());
  if (inserted->affected() == 0) {
    return failure(StatusCode::AlreadyExists,
                   "accounts: " + account.username + "@" + account.domain + " exists");
  }
  return insertAllCredentials(connection, account);
}

// Everything the account owns goes with it through ON DELETE CASCADE. Returns whether there was
// such an account.
Result<bool> deleteAccount(Connection& connection, const std::string& username,
                           const std::string& domain) {
  auto removed = connection.query("DELETE FROM accounts WHERE domain = $1 AND username = $2",
                                  Parameters().text(domain).text(username));
  if (!removed) return tl::unexpected(removed.error());
  return removed->affected() > 0;
}

}  // namespace

Result<void> PostgresAccountStore::create(const Account& account) {
  return pool_.withTransaction(
      [&](Connection& connection) { return insertAccount(connection, account); });
}

Result<std::optional<Account>> PostgresAccountStore::find(const std::string& username,
                                                          const std::string& domain) {
  // One statement, so that the account and its credentials come from one snapshot.
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<Account>> {
    auto rows = connection.query(
        "SELECT accounts.created_at, account_credentials.hash, account_credentials.salt, "
        "account_credentials.iterations, account_credentials.stored_key, "
        "account_credentials.server_key FROM accounts LEFT JOIN account_credentials "
        "ON account_credentials.domain = accounts.domain "
        "AND account_credentials.username = accounts.username "
        "WHERE accounts.domain = $1 AND accounts.username = $2",
        Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::optional<Account>();
    Account account;
    account.username = username;
    account.domain = domain;
    account.createdAt = rows->int64(0, 0);
    for (int row = 0; row < rows->count(); ++row) {
      if (rows->isNull(row, 1)) continue;  // no credentials (the LEFT JOIN's empty side)
      ScramCredentials credentials;
      credentials.salt = rows->bytea(row, 2);
      credentials.iterations = static_cast<std::uint32_t>(rows->int64(row, 3));
      credentials.storedKey = rows->bytea(row, 4);
      credentials.serverKey = rows->bytea(row, 5);
      const std::string hash = rows->text(row, 1);
      if (hash == kSha1) {
        credentials.hash = ScramHash::Sha1;
        account.scramSha1 = std::move(credentials);
      } else if (hash == kSha256) {
        credentials.hash = ScramHash::Sha256;
        account.scramSha256 = std::move(credentials);
      }
      // Other hash names can only come from a newer build; this one cannot use them.
    }
    return std::optional<Account>(std::move(account));
  });
}

Result<void> PostgresAccountStore::setCredentials(const Account& account) {
  return pool_.withTransaction([&](Connection& connection) -> Result<void> {
    // FOR UPDATE: a concurrent remove() or setCredentials() of the account waits for this one.
    auto found =
        connection.query("SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR UPDATE",
                         Parameters().text(account.domain).text(account.username));
    if (!found) return tl::unexpected(found.error());
    if (found->count() == 0) {
      return failure(StatusCode::NotFound,
                     "accounts: no account " + account.username + "@" + account.domain);
    }
    auto cleared =
        connection.query("DELETE FROM account_credentials WHERE domain = $1 AND username = $2",
                         Parameters().text(account.domain).text(account.username));
    if (!cleared) return tl::unexpected(cleared.error());
    return insertAllCredentials(connection, account);
  });
}

Result<void> PostgresAccountStore::remove(const std::string& username, const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    auto removed = deleteAccount(connection, username, domain);
    if (!removed) return tl::unexpected(removed.error());
    if (!*removed) {
      return failure(StatusCode::NotFound, "accounts: no account " + username + "@" + domain);
    }
    return {};
  });
}

Result<void> PostgresAccountStore::replace(const Account& account, const StoredKey& currentKey) {
  return pool_.withTransaction([&](Connection& connection) -> Result<void> {
    if (auto removed = deleteAccount(connection, account.username, account.domain); !removed) {
      return tl::unexpected(removed.error());
    }
    if (auto done = insertAccount(connection, account); !done) return done;
    return writeCurrentKey(connection, account.username, account.domain, currentKey);
  });
}

Result<std::vector<std::string>> PostgresAccountStore::list(const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<std::string>> {
    // The "C" collation of the column (migrations.hpp) orders by bytes, as std::string's
    // operator< does.
    auto rows =
        connection.query("SELECT username FROM accounts WHERE domain = $1 ORDER BY username",
                         Parameters().text(domain));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<std::string> usernames;
    usernames.reserve(static_cast<std::size_t>(rows->count()));
    for (int row = 0; row < rows->count(); ++row) usernames.push_back(rows->text(row, 0));
    return usernames;
  });
}

}  // namespace kontalk::storage::postgresql
