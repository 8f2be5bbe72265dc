#include "storage/storage.hpp"

#include "storage/sqlite/sqlite_storage.hpp"

namespace kontalk::storage {

Result<std::unique_ptr<Storage>> openStorage(const StorageConfig& config) {
  if (config.backend == "sqlite") {
    auto storage = sqlite::SqliteStorage::open(config);
    if (!storage) return tl::unexpected(storage.error());
    return std::unique_ptr<Storage>(std::move(*storage));
  }
  return fail(StorageErrorKind::Backend,
              "unknown storage backend \"" + config.backend + "\" (known: sqlite)");
}

}  // namespace kontalk::storage
