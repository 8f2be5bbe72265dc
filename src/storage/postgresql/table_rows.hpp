#pragma once
// The PostgreSQL side of storage/table_rows.hpp: reading every table as rows and writing rows
// back, for `kontalkctl storage copy`. Tables, columns, types and foreign keys come from the
// database's catalog (pg_class, pg_attribute, pg_constraint), not from a list kept beside the
// migrations. Columns are BIGINT, TEXT or BYTEA (postgresql/migrations.cpp); another type is
// refused rather than guessed.
// Threading: blocks (network round trips); on a connection the caller holds (ConnectionPool).

#include <cstddef>

#include "storage/postgresql/connection.hpp"
#include "storage/result.hpp"
#include "storage/table_rows.hpp"

namespace kontalk::storage::postgresql {

// Every table of the current schema but schema_migrations, in foreign-key order, read in one
// REPEATABLE READ READ ONLY transaction (one snapshot that commits of a running server do not
// change), each in pages of `batchRows` rows in physical order (ctid), so that a big table is
// never read into memory whole.
Result<void> exportTables(Connection& connection, std::size_t batchRows,
                          const TableBatchSink& sink);

// Writes what `source` feeds in one transaction, after checking that every table is empty, then
// moves every identity or serial column's sequence past the highest value imported (setval), so
// that rows inserted later do not collide with the copied ones.
Result<void> importTables(Connection& connection, const TableBatchSource& source);

}  // namespace kontalk::storage::postgresql
