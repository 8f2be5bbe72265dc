#include "storage/sqlite/sqlite_storage.hpp"

#include <string>

#include "storage/sqlite/database_setup.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/table_rows.hpp"

namespace kontalk::storage::sqlite {

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::open(const StorageSettings& config) {
  auto database = openDatabaseFile(config.path, config.synchronous);
  if (!database) return tl::unexpected(database.error());
  // Refused at open, not only at migrate: a build that does not know the schema must not read
  // or write it, whether or not it was asked to migrate.
  if (auto checked = checkSchemaNotNewer(*database); !checked) {
    return tl::unexpected(checked.error());
  }
  auto reader = openReaderConnection(config.path);
  if (!reader) return tl::unexpected(reader.error());
  return std::make_unique<SqliteStorage>(std::move(*database), std::move(*reader));
}

Result<int> SqliteStorage::migrate() {
  return database_.withDatabase(
      [](Database& database) { return applyPendingMigrations(database); });
}

Result<int> SqliteStorage::schemaVersion() {
  return database_.withDatabase([](Database& database) { return appliedSchemaVersion(database); });
}

Result<void> SqliteStorage::probe() {
  return database_.withDatabase([](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // SQLite skips a write that leaves a row's bytes as they were, so the row is changed and
    // changed back: its page stays dirty, and the commit reaches the WAL (and its fsync) like a
    // real one.
    for (const char* change : {"applied_at + 1", "applied_at - 1"}) {
      if (auto touched =
              database.execute(std::string("UPDATE schema_migrations SET applied_at = ") + change +
                               " WHERE version = (SELECT MAX(version) FROM schema_migrations)");
          !touched) {
        return tl::unexpected(touched.error());
      }
    }
    return transaction->commit();
  });
}

Result<void> SqliteStorage::exportTables(std::size_t batchRows, const TableBatchSink& sink) {
  // The reader connection: its read transaction holds up no writer of a running server.
  return database_.withReader(
      [&](Database& database) { return sqlite::exportTables(database, batchRows, sink); });
}

Result<void> SqliteStorage::importTables(const TableBatchSource& source) {
  return database_.withDatabase(
      [&](Database& database) { return sqlite::importTables(database, source); });
}

void SqliteStorage::flush() {
  // With synchronous=FULL every commit is already durable in the WAL; the checkpoint copies it
  // into the database file and empties the WAL, so that a stopped server leaves one
  // self-contained file (https://sqlite.org/pragma.html#pragma_wal_checkpoint). A failure
  // (another process reading) loses nothing: the next open replays the WAL.
  database_.withDatabase(
      [](Database& database) { (void)database.execute("PRAGMA wal_checkpoint(TRUNCATE)"); });
}

}  // namespace kontalk::storage::sqlite
