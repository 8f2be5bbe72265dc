#include "storage/sqlite/migrations.hpp"

#include <array>
#include <chrono>
#include <string>

namespace kontalk::storage::sqlite {

namespace {

// 1: accounts and their SCRAM credentials (RFC 5802 §3: salt, iteration count, StoredKey and
// ServerKey; never the password). One credentials row per hash function ("SHA-1", "SHA-256",
// the names of RFC 5802 and RFC 7677), so a further hash needs no schema change. Later tables
// that belong to an account (keys, roster, offline queue, ...) reference accounts the same way,
// with ON DELETE CASCADE so that removing an account removes everything it owns.
constexpr std::array<std::string_view, 2> kMigration1 = {
    R"sql(CREATE TABLE accounts (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username)
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE account_credentials (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      hash TEXT NOT NULL,
      salt BLOB NOT NULL,
      iterations INTEGER NOT NULL,
      stored_key BLOB NOT NULL,
      server_key BLOB NOT NULL,
      PRIMARY KEY (domain, username, hash),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

constexpr std::array<Migration, 1> kMigrations = {{
    {1, kMigration1},
}};

std::int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<bool> isApplied(Database& database, int version) {
  auto query = database.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  if (!query) return tl::unexpected(query.error());
  query->bindInt64(1, version);
  return query->step();
}

// Applies `migration` unless it is applied already; true when it ran. The check is made inside
// the write transaction because another process (kontalkctl migrate beside a starting kontalkd)
// may be migrating the same file at the same time.
Result<bool> applyIfMissing(Database& database, const Migration& migration) {
  auto transaction = Transaction::begin(database);
  if (!transaction) return tl::unexpected(transaction.error());
  auto applied = isApplied(database, migration.version);
  if (!applied) return tl::unexpected(applied.error());
  if (*applied) return false;
  for (const std::string_view statement : migration.statements) {
    if (auto done = database.execute(statement); !done) {
      return fail(StorageErrorKind::Backend, "migration " + std::to_string(migration.version) +
                                                 " failed: " + done.error().message);
    }
  }
  auto record =
      database.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
  if (!record) return tl::unexpected(record.error());
  record->bindInt64(1, migration.version);
  record->bindInt64(2, unixNow());
  if (auto recorded = record->run(); !recorded) return tl::unexpected(recorded.error());
  if (auto committed = transaction->commit(); !committed) {
    return tl::unexpected(committed.error());
  }
  return true;
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latestSchemaVersion() {
  return kMigrations.back().version;
}

Result<int> appliedSchemaVersion(Database& database) {
  auto exists = database.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return tl::unexpected(exists.error());
  auto found = exists->step();
  if (!found) return tl::unexpected(found.error());
  if (!*found) return 0;

  auto highest = database.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!highest) return tl::unexpected(highest.error());
  auto row = highest->step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>(highest->columnInt64(0));
}

Result<void> checkSchemaNotNewer(Database& database) {
  auto applied = appliedSchemaVersion(database);
  if (!applied) return tl::unexpected(applied.error());
  if (*applied > latestSchemaVersion()) {
    return fail(StorageErrorKind::Backend,
                "sqlite: database schema version " + std::to_string(*applied) +
                    " is newer than this build supports (" + std::to_string(latestSchemaVersion()) +
                    "); upgrade kontalk-server");
  }
  return {};
}

Result<int> applyPendingMigrations(Database& database) {
  if (auto checked = checkSchemaNotNewer(database); !checked) {
    return tl::unexpected(checked.error());
  }
  if (auto created = database.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                      "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
      !created) {
    return tl::unexpected(created.error());
  }
  int ran = 0;
  for (const Migration& migration : kMigrations) {
    auto ranNow = applyIfMissing(database, migration);
    if (!ranNow) return tl::unexpected(ranNow.error());
    if (*ranNow) ++ran;
  }
  return ran;
}

}  // namespace kontalk::storage::sqlite
