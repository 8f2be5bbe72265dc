#pragma once
// Numbered schema migrations of the SQLite backend (ARCHITECTURE.md §7). Migration N is applied
// in one transaction together with its row in schema_migrations, so a crash leaves the schema at
// N-1 or N, never in between. Migrations are append-only: once released, a migration's SQL never
// changes; a fix is a new migration.
// Threading: blocks; called when the storage opens or migrates (kontalkd's start-up, kontalkctl
// migrate), on a connection no other thread uses meanwhile.

#include <span>
#include <string_view>

#include "storage/result.hpp"
#include "storage/sqlite/database.hpp"

namespace kontalk::storage::sqlite {

struct Migration {
  int version;  // 1, 2, 3, ... without gaps
  std::span<const std::string_view> statements;
};

// Every migration this build knows, in order.
std::span<const Migration> migrations();
// The version the newest known migration brings the schema to.
int latestSchemaVersion();

// The highest applied version; 0 for a database that was never migrated.
Result<int> appliedSchemaVersion(Database& database);
// Fails with a Backend error when the database was migrated by a newer build, whose schema this
// build does not understand.
Result<void> checkSchemaNotNewer(Database& database);
// Applies the missing migrations in order; returns how many ran.
Result<int> applyPendingMigrations(Database& database);

}  // namespace kontalk::storage::sqlite
