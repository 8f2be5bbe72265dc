#pragma once
// Opens the server's SQLite database file with the settings the reliability contract needs
// (ARCHITECTURE.md §6): WAL journal, a busy timeout for other processes (kontalkctl next to a
// running kontalkd), enforced foreign keys, and the configured `synchronous` level.
// Threading: blocks (files); called when the storage opens, at start-up or by kontalkctl.

#include <string>

#include "storage/result.hpp"
#include "storage/sqlite/database.hpp"

namespace kontalk::storage::sqlite {

// Creates the parent directory when missing and a new database file with mode 0600 (it holds
// password verifiers). `synchronous` is "full" or "normal"; anything else is a Backend error.
Result<Database> openDatabaseFile(const std::string& path, const std::string& synchronous);

// A second connection to a file openDatabaseFile opened, for reads only (PRAGMA query_only):
// in WAL mode it reads while the other connection writes.
Result<Database> openReaderConnection(const std::string& path);

// Writes a copy of `source`'s database (Database::copyInto) to `path`, mode 0600, replacing a file
// there: first to "<path>.partial", renamed to `path` once complete, so that `path` never holds a
// partial copy. The copy is a self-contained database file; its journal mode is set again when
// a server opens it.
Result<void> writeBackupFile(Database& source, const std::string& path);

}  // namespace kontalk::storage::sqlite
