#include "storage/backends/open_storage.hpp"

#include "storage/postgresql/postgres_storage.hpp"
#include "storage/sqlite/database_setup.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace kontalk::storage {

Result<std::unique_ptr<Storage>> openStorage(const StorageSettings& settings) {
  if (settings.backend == "sqlite") {
    auto storage = sqlite::SqliteStorage::open(settings);
    if (!storage) return tl::unexpected(storage.error());
    return std::unique_ptr<Storage>(std::move(*storage));
  }
  if (settings.backend == "postgresql") {
    auto storage = postgresql::PostgresStorage::open(settings);
    if (!storage) return tl::unexpected(storage.error());
    return std::unique_ptr<Storage>(std::move(*storage));
  }
  return failure(StatusCode::Unsupported, "unknown storage backend \"" + settings.backend +
                                              "\" (known: sqlite, postgresql)");
}

Result<void> backupStorage(const StorageSettings& settings, const std::string& file) {
  if (settings.backend == "postgresql") {
    // PostgreSQL has its own consistent online backup, which also copies roles and settings.
    return failure(StatusCode::Unsupported,
                   "no backup of PostgreSQL storage here: back it up with pg_dump "
                   "(docs/deploying.md, \"Backups\")");
  }
  if (settings.backend != "sqlite") {
    return failure(StatusCode::Unsupported,
                   "no backup for storage backend \"" + settings.backend + "\"");
  }
  // A connection of its own, read-only: the copy is one read transaction, which in WAL mode
  // holds up no writer of a running server.
  auto source = sqlite::openReaderConnection(settings.path);
  if (!source) return tl::unexpected(source.error());
  return sqlite::writeBackupFile(*source, file);
}

}  // namespace kontalk::storage
