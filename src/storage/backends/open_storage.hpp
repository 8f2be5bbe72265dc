#pragma once
// Opening the configured storage backend: the one place that knows every backend.
// Threading: blocks (files, connections); called at start-up on the main thread, and by
// kontalkctl.

#include <memory>
#include <string>

#include "storage/storage.hpp"

namespace kontalk::storage {

// Opens the backend named in `settings`. Does not migrate; callers decide (kontalkd migrates at
// start, kontalkctl on `migrate`). Fails Unsupported for an unknown backend or a database a
// newer build migrated (its schema is unknown to this one), Unavailable when it is unreachable.
Result<std::unique_ptr<Storage>> openStorage(const StorageSettings& settings);

// An online backup of the storage `settings` names: writes a consistent copy of everything stored
// to `file` (replaced if it exists) while a server may be writing. Restoring is the backend's
// business (SQLite: the file becomes [storage] path of a stopped server; docs/deploying.md).
// The caller checks that the database exists: opening one that does not would create it.
Result<void> backupStorage(const StorageSettings& settings, const std::string& file);

}  // namespace kontalk::storage
