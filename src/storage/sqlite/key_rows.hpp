#pragma once
// Rows of the keyring shared by the SQLite stores that write an account's current key (the key
// store, and the account store's replace()): inside the caller's transaction.
// Threading: blocks; call it inside GuardedDatabase::withDatabase (the connection's mutex held).

#include <string>

#include "storage/key_store.hpp"
#include "storage/result.hpp"
#include "storage/sqlite/database.hpp"

namespace kontalk::storage::sqlite {

// Stores `key` in the keyring (replacing an older copy of the same fingerprint) and makes it the
// current key of the account, which must exist.
Result<void> writeCurrentKey(Database& database, const std::string& username,
                             const std::string& domain, const StoredKey& key);

}  // namespace kontalk::storage::sqlite
