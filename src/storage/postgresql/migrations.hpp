#pragma once
// Numbered schema migrations of the PostgreSQL backend: the same versions as SQLite's
// (sqlite/migrations.cpp, which says what each table is for), migration N creating the same
// tables and columns as SQLite's N in PostgreSQL's types (BIGINT, BYTEA, TEXT with the "C"
// collation, so that text orders by bytes as SQLite's BINARY does, whatever the database's
// locale). Migration N is applied in one transaction with its schema_migrations row, under a
// transaction-scoped advisory lock, so that several nodes (or kontalkctl migrate beside a
// starting kontalkd) migrating one database at once apply each migration exactly once.
// Append-only, like SQLite's.
// Threading: blocks; call it with a connection of its own (ConnectionPool::withConnection).

#include <span>
#include <string_view>

#include "storage/postgresql/connection.hpp"
#include "storage/result.hpp"

namespace kontalk::storage::postgresql {

struct Migration {
  int version;  // 1, 2, 3, ... without gaps
  std::span<const std::string_view> statements;
};

// Every migration this build knows, in order.
std::span<const Migration> migrations();
// The version the newest known migration brings the schema to.
int latestSchemaVersion();

// The highest applied version; 0 for a database that was never migrated.
Result<int> appliedSchemaVersion(Connection& connection);
// Unsupported when the database was migrated by a newer build.
Result<void> checkSchemaNotNewer(Connection& connection);
// Applies the missing migrations in order; returns how many ran.
Result<int> applyPendingMigrations(Connection& connection);

}  // namespace kontalk::storage::postgresql
