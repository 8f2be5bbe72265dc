#include "storage/backends/open_storage.hpp"

#include "storage/sqlite/sqlite_storage.hpp"

namespace kontalk::storage {

Result<std::unique_ptr<Storage>> openStorage(const StorageSettings& settings) {
  if (settings.backend == "sqlite") {
    auto storage = sqlite::SqliteStorage::open(settings);
    if (!storage) return tl::unexpected(storage.error());
    return std::unique_ptr<Storage>(std::move(*storage));
  }
  return failure(StatusCode::Unsupported,
                 "unknown storage backend \"" + settings.backend + "\" (known: sqlite)");
}

}  // namespace kontalk::storage
