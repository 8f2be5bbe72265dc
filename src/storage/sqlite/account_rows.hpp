#pragma once
// Checks shared by the SQLite stores whose rows belong to an account: such a row may only be
// written for an existing account, and the stores report a missing one as NotFound rather than
// as a foreign-key failure.
// Threading: blocks; call it inside GuardedDatabase::withDatabase (the connection's mutex held).

#include <string>

#include "storage/result.hpp"
#include "storage/sqlite/database.hpp"

namespace kontalk::storage::sqlite {

Result<bool> accountExists(Database& database, const std::string& username,
                           const std::string& domain);

// NotFound unless the account exists.
Result<void> requireAccount(Database& database, const std::string& username,
                            const std::string& domain);

}  // namespace kontalk::storage::sqlite
