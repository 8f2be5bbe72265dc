#pragma once
// State of Kontalk registration (spec §4): pending phone verifications and private keys parked
// for transfer to another device (spec §4.4). Backend-neutral: implemented by storage/sqlite.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/result.hpp"

namespace kontalk::storage {

// A verification started for a phone number whose account (username = SHA-1 of the number)
// does not exist yet or is being re-registered. At most one per account JID: a new request for
// the same number replaces the old one.
struct VerificationRequest {
  std::string username;
  std::string domain;
  std::string phone;     // E.164
  std::string provider;  // name of the provider that started it, which also verifies it
  std::string handle;    // what the provider needs to check a code (the code itself, or an id)
  std::int64_t createdAt = 0;  // unix seconds
  std::int64_t expiresAt = 0;  // unix seconds; the request is dead from this second on
  int failedAttempts = 0;      // wrong codes submitted so far
};

// A client-encrypted private key parked under a one-time token (spec §4.4).
struct PrivateKeyTransfer {
  std::string token;
  std::string username;
  std::string domain;
  std::string privateKey;  // opaque bytes, as uploaded
  std::int64_t expiresAt = 0;
};

class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;

  // Stores the request, replacing the one pending for the same account.
  virtual Result<void> putVerification(const VerificationRequest& request) = 0;
  // The live (not expired at `now`) request for the account, if any.
  virtual Result<std::optional<VerificationRequest>> findVerification(const std::string& username,
                                                                      const std::string& domain,
                                                                      std::int64_t now) = 0;
  // Removes the request whose handle is `handle`; true when this call removed it. A code is
  // single-use: of two concurrent confirmations with the same code, only one gets true.
  virtual Result<bool> consumeVerification(const std::string& username, const std::string& domain,
                                           const std::string& handle) = 0;
  // Counts a wrong code against the request and returns the new count (0 when the request is
  // gone). Callers drop the request once the count reaches their limit (brute-force bound).
  virtual Result<int> recordFailedAttempt(const std::string& username,
                                          const std::string& domain) = 0;
  virtual Result<void> removeVerification(const std::string& username,
                                          const std::string& domain) = 0;
  // Removes requests expired at `now`; returns how many.
  virtual Result<int> purgeExpiredVerifications(std::int64_t now) = 0;

  // Fails with Conflict if the token exists, NotFound if the account does not.
  virtual Result<void> putPrivateKey(const PrivateKeyTransfer& transfer) = 0;
  // Removes and returns the transfer under `token` when it is live at `now`; nullopt otherwise.
  // Tokens are single-use.
  virtual Result<std::optional<PrivateKeyTransfer>> takePrivateKey(const std::string& token,
                                                                   std::int64_t now) = 0;
  virtual Result<int> purgeExpiredPrivateKeys(std::int64_t now) = 0;
};

}  // namespace kontalk::storage
