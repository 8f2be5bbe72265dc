#pragma once
// The keyring (spec §1, §3): every user's OpenPGP public key by fingerprint, and which key is an
// account's current one. Keys an account used before stay in the keyring by fingerprint, so that
// key rollover (spec §3 step 5, §4.3) can check the old key. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/result.hpp"

namespace kontalk::storage {

struct StoredKey {
  std::string fingerprint;    // 40 uppercase hex (v4)
  std::string keyBinary;      // the transferable public key, binary OpenPGP packets
  std::int64_t storedAt = 0;  // unix seconds; setCurrentKey() stores the current time when 0
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // Stores the key in the keyring (by fingerprint, replacing an older copy of the same key, e.g.
  // one without the server's certification) and makes it the account's current key. Older keys
  // of the account stay in the keyring. NotFound when the account does not exist.
  virtual Result<void> setCurrentKey(const std::string& username, const std::string& domain,
                                     const StoredKey& key) = 0;
  virtual Result<std::optional<StoredKey>> currentKey(const std::string& username,
                                                      const std::string& domain) = 0;
  virtual Result<std::optional<StoredKey>> keyByFingerprint(const std::string& fingerprint) = 0;
};

}  // namespace kontalk::storage
