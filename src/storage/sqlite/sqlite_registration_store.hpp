#pragma once
// RegistrationStore on SQLite: tables verification_requests and private_key_transfers.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/registration_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqliteRegistrationStore final : public RegistrationStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteRegistrationStore(GuardedDatabase& database) : database_(database) {}

  Result<void> putVerification(const VerificationRequest& request) override;
  Result<std::optional<VerificationRequest>> findVerification(const std::string& username,
                                                              const std::string& domain,
                                                              std::int64_t now) override;
  Result<bool> consumeVerification(const std::string& username, const std::string& domain,
                                   const std::string& handle) override;
  Result<int> recordFailedAttempt(const std::string& username, const std::string& domain) override;
  Result<void> removeVerification(const std::string& username, const std::string& domain) override;
  Result<int> purgeExpiredVerifications(std::int64_t now) override;

  Result<void> putPrivateKey(const PrivateKeyTransfer& transfer) override;
  Result<std::optional<PrivateKeyTransfer>> takePrivateKey(const std::string& token,
                                                           std::int64_t now) override;
  Result<int> purgeExpiredPrivateKeys(std::int64_t now) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
