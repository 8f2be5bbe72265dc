#include "storage/postgresql/postgres_storage.hpp"

#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/table_rows.hpp"

namespace kontalk::storage::postgresql {

Result<std::unique_ptr<PostgresStorage>> PostgresStorage::open(const StorageSettings& config) {
  auto storage = std::make_unique<PostgresStorage>(config);
  // Refused at open, not only at migrate: a build that does not know the schema must not read
  // or write it, whether or not it was asked to migrate.
  auto checked = storage->pool_.withConnection(
      [](Connection& connection) { return checkSchemaNotNewer(connection); });
  if (!checked) return tl::unexpected(checked.error());
  return storage;
}

Result<int> PostgresStorage::migrate() {
  return pool_.withConnection(
      [](Connection& connection) { return applyPendingMigrations(connection); });
}

Result<int> PostgresStorage::schemaVersion() {
  return pool_.withConnection(
      [](Connection& connection) { return appliedSchemaVersion(connection); });
}

Result<void> PostgresStorage::probe() {
  // PostgreSQL writes a new row version (and WAL) even for an update that keeps the values, so
  // one such update commits like a real write: it fails on a full disk, a read-only standby or
  // a server that refuses writes. A statement of its own is a transaction of its own.
  return pool_.withConnection([](Connection& connection) -> Result<void> {
    auto touched = connection.query(
        "UPDATE schema_migrations SET applied_at = applied_at "
        "WHERE version = (SELECT MAX(version) FROM schema_migrations)");
    if (!touched) return tl::unexpected(touched.error());
    return {};
  });
}

Result<void> PostgresStorage::exportTables(std::size_t batchRows, const TableBatchSink& sink) {
  return pool_.withConnection([&](Connection& connection) {
    return postgresql::exportTables(connection, batchRows, sink);
  });
}

Result<void> PostgresStorage::importTables(const TableBatchSource& source) {
  return pool_.withConnection(
      [&](Connection& connection) { return postgresql::importTables(connection, source); });
}

}  // namespace kontalk::storage::postgresql
