#pragma once
// The SQLite side of storage/table_rows.hpp: reading every table as rows and writing rows back,
// for `kontalkctl storage copy`. The tables and their foreign keys come from the database's own
// schema (sqlite_schema, pragma_foreign_key_list), not from a list kept beside the migrations.
// Threading: blocks; on a connection the caller holds exclusively (GuardedDatabase).

#include <cstddef>

#include "storage/result.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/table_rows.hpp"

namespace kontalk::storage::sqlite {

// Every table but schema_migrations and SQLite's own, in foreign-key order, in one read
// transaction (in WAL mode a snapshot that a running server's commits do not change).
Result<void> exportTables(Database& database, std::size_t batchRows, const TableBatchSink& sink);

// Writes what `source` feeds in one write transaction, after checking that every table is empty.
// A value goes to its column's declared type: text into a BLOB column as bytes and back.
Result<void> importTables(Database& database, const TableBatchSource& source);

}  // namespace kontalk::storage::sqlite
