#pragma once
// Opening the configured storage backend: the one place that knows every backend.
// Threading: blocks (files, connections); called at start-up on the main thread, and by
// kontalkctl.

#include <memory>

#include "storage/storage.hpp"

namespace kontalk::storage {

// Opens the backend named in `settings`. Does not migrate; callers decide (kontalkd migrates at
// start, kontalkctl on `migrate`). Fails Unsupported for an unknown backend or a database a
// newer build migrated (its schema is unknown to this one), Unavailable when it is unreachable.
Result<std::unique_ptr<Storage>> openStorage(const StorageSettings& settings);

}  // namespace kontalk::storage
