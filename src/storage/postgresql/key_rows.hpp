#pragma once
// Rows of the keyring shared by the PostgreSQL stores that write an account's current key (the
// key store, and the account store's replace()): inside the caller's transaction.
// Threading: blocks; call it with a connection of the pool (ConnectionPool::withConnection).

#include <string>

#include "storage/key_store.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/result.hpp"

namespace kontalk::storage::postgresql {

// Stores `key` in the keyring (replacing an older copy of the same fingerprint) and makes it the
// current key of the account, which must exist.
Result<void> writeCurrentKey(Connection& connection, const std::string& username,
                             const std::string& domain, const StoredKey& key);

}  // namespace kontalk::storage::postgresql
