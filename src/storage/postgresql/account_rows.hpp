#pragma once
// What the PostgreSQL stores whose rows belong to an account share: such a row may only be
// written for an existing account, and a missing one is reported as NotFound naming the account
// (the foreign key's failure says which constraint, not which account).
// Threading: blocks; call it with a connection of the pool (ConnectionPool::withConnection).

#include <string>

#include "storage/postgresql/connection.hpp"
#include "storage/result.hpp"

namespace kontalk::storage::postgresql {

// NotFound unless the account exists. Inside a transaction, the account row is locked against
// removal (FOR KEY SHARE) until the transaction ends, as a foreign key check would lock it.
Result<void> requireAccount(Connection& connection, const std::string& username,
                            const std::string& domain);

// `written` as it is, except that a foreign key failure (the account is missing: mapped to
// NotFound by Connection) names the account.
Result<void> writtenForAccount(const Result<Rows>& written, const std::string& username,
                               const std::string& domain);

}  // namespace kontalk::storage::postgresql
