#pragma once
// Accounts and their password credentials (ARCHITECTURE.md §7). Backend-neutral: implemented by
// storage/sqlite (and later postgres).
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/key_store.hpp"
#include "storage/result.hpp"

namespace kontalk::storage {

enum class ScramHash { Sha1, Sha256 };

// SCRAM credentials for one hash function (RFC 5802 §3): never the password, only what proves
// knowledge of it. Computed and checked by stream/sasl.
struct ScramCredentials {
  ScramHash hash = ScramHash::Sha256;
  std::string salt;  // raw bytes
  std::uint32_t iterations = 0;
  std::string storedKey;  // raw bytes: H(ClientKey)
  std::string serverKey;  // raw bytes: HMAC(SaltedPassword, "Server Key")
};

struct Account {
  std::string username;  // nodeprep'd localpart
  std::string domain;    // nameprep'd domain
  // Password credentials, absent for accounts that log in with certificates only.
  std::optional<ScramCredentials> scramSha1;
  std::optional<ScramCredentials> scramSha256;
  std::int64_t createdAt = 0;  // unix seconds; create() stores the current time when 0
};

// A slot holding credentials of the other hash is a caller bug that would make every later login
// fail: every backend refuses it (InvalidArgument) before writing anything.
inline Result<void> checkCredentialSlots(const Account& account) {
  if (account.scramSha1 && account.scramSha1->hash != ScramHash::Sha1) {
    return failure(StatusCode::InvalidArgument, "accounts: scramSha1 holds non-SHA-1 credentials");
  }
  if (account.scramSha256 && account.scramSha256->hash != ScramHash::Sha256) {
    return failure(StatusCode::InvalidArgument,
                   "accounts: scramSha256 holds non-SHA-256 credentials");
  }
  return {};
}

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // Fails with StatusCode::AlreadyExists if the account exists. Each credentials slot must hold
  // credentials of its own hash (scramSha1 -> ScramHash::Sha1), else a Backend error.
  virtual Result<void> create(const Account& account) = 0;
  virtual Result<std::optional<Account>> find(const std::string& username,
                                              const std::string& domain) = 0;
  // Replaces the password credentials of an existing account (NotFound otherwise).
  virtual Result<void> setCredentials(const Account& account) = 0;
  // Removes the account and its credentials; NotFound when there was none.
  virtual Result<void> remove(const std::string& username, const std::string& domain) = 0;
  // Registration (spec §4.2): removes the account named by `account` with everything it owns,
  // if there is one (forced re-registration), creates `account` and makes `currentKey` its key
  // (as KeyStore::setCurrentKey), all in one transaction: whatever fails or crashes on the way,
  // either the old account is intact or the new one exists with its key.
  virtual Result<void> replace(const Account& account, const StoredKey& currentKey) = 0;
  virtual Result<std::vector<std::string>> list(
      const std::string& domain) = 0;  // usernames, sorted
};

}  // namespace kontalk::storage
