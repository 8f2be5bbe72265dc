#pragma once
// Push registrations (Kontalk legacy push, spec §8.3): one token per account and provider
// ("gcm", "dummy"); a second device of the account replaces the first, as in the original
// server. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

struct PushRegistration {
  std::string provider;
  std::string token;
  std::int64_t updatedAt = 0;  // unix seconds
};

class PushStore {
 public:
  virtual ~PushStore() = default;
  // Stores `token` for (account, provider), replacing the one there. NotFound when the account
  // does not exist.
  virtual Result<void> put(const std::string& username, const std::string& domain,
                           const std::string& provider, const std::string& token,
                           std::int64_t at) = 0;
  // Removes the account's registration with `provider`; nothing to remove is no failure.
  virtual Result<void> remove(const std::string& username, const std::string& domain,
                              const std::string& provider) = 0;
  // Removes it only while it still holds `token`: a provider that rejected an old token must
  // not delete the newer one the device registered meanwhile. True when a row went.
  virtual Result<bool> removeToken(const std::string& username, const std::string& domain,
                                   const std::string& provider, const std::string& token) = 0;
  // The account's registrations, by provider.
  virtual Result<std::vector<PushRegistration>> find(const std::string& username,
                                                     const std::string& domain) = 0;
};

}  // namespace kontalk::storage
