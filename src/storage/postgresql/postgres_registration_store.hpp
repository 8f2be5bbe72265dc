#pragma once
// RegistrationStore on PostgreSQL: tables verification_requests and private_key_transfers.
// Threading: every method may be called from any thread (each on a pooled
// connection of its own); they block, so never on a shard.

#include "storage/postgresql/connection_pool.hpp"
#include "storage/registration_store.hpp"

namespace kontalk::storage::postgresql {

class PostgresRegistrationStore final : public RegistrationStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresRegistrationStore(ConnectionPool& pool) : pool_(pool) {}

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
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
