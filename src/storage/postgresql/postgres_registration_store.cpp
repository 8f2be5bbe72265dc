#include "storage/postgresql/postgres_registration_store.hpp"

#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {

Result<void> PostgresRegistrationStore::putVerification(const VerificationRequest& request) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    auto upserted = connection.query(
        "INSERT INTO verification_requests "
        "(domain, username, phone, provider, handle, created_at, expires_at, failed_attempts) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, 0) "
        "ON CONFLICT (domain, username) DO UPDATE SET phone = excluded.phone, "
        "provider = excluded.provider, handle = excluded.handle, "
        "created_at = excluded.created_at, expires_at = excluded.expires_at, failed_attempts = 0",
        Parameters()
            .text(request.domain)
            .text(request.username)
            .text(request.phone)
            .text(request.provider)
            .bytea(request.handle)
            .int64(request.createdAt)
            .int64(request.expiresAt));
    if (!upserted) return tl::unexpected(upserted.error());
    return {};
  });
}

Result<std::optional<VerificationRequest>> PostgresRegistrationStore::findVerification(
    const std::string& username, const std::string& domain, std::int64_t now) {
  return pool_.withConnection(
      [&](Connection& connection) -> Result<std::optional<VerificationRequest>> {
        auto rows = connection.query(
            "SELECT phone, provider, handle, created_at, expires_at, failed_attempts "
            "FROM verification_requests WHERE domain = $1 AND username = $2 AND expires_at > $3",
            Parameters().text(domain).text(username).int64(now));
        if (!rows) return tl::unexpected(rows.error());
        if (rows->count() == 0) return std::optional<VerificationRequest>();
        VerificationRequest request;
        request.username = username;
        request.domain = domain;
        request.phone = rows->text(0, 0);
        request.provider = rows->text(0, 1);
        request.handle = rows->bytea(0, 2);
        request.createdAt = rows->int64(0, 3);
        request.expiresAt = rows->int64(0, 4);
        request.failedAttempts = static_cast<int>(rows->int64(0, 5));
        return std::optional<VerificationRequest>(std::move(request));
      });
}

Result<bool> PostgresRegistrationStore::consumeVerification(const std::string& username,
                                                            const std::string& domain,
                                                            const std::string& handle) {
  return pool_.withConnection([&](Connection& connection) -> Result<bool> {
    auto removed = connection.query(
        "DELETE FROM verification_requests WHERE domain = $1 AND username = $2 AND handle = $3",
        Parameters().text(domain).text(username).bytea(handle));
    if (!removed) return tl::unexpected(removed.error());
    return removed->affected() > 0;
  });
}

Result<int> PostgresRegistrationStore::recordFailedAttempt(const std::string& username,
                                                           const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<int> {
    auto updated = connection.query(
        "UPDATE verification_requests SET failed_attempts = failed_attempts + 1 "
        "WHERE domain = $1 AND username = $2 RETURNING failed_attempts",
        Parameters().text(domain).text(username));
    if (!updated) return tl::unexpected(updated.error());
    return updated->count() > 0 ? static_cast<int>(updated->int64(0, 0)) : 0;
  });
}

Result<void> PostgresRegistrationStore::removeVerification(const std::string& username,
                                                           const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    auto removed =
        connection.query("DELETE FROM verification_requests WHERE domain = $1 AND username = $2",
                         Parameters().text(domain).text(username));
    if (!removed) return tl::unexpected(removed.error());
    return {};
  });
}

Result<int> PostgresRegistrationStore::purgeExpiredVerifications(std::int64_t now) {
  return pool_.withConnection([&](Connection& connection) -> Result<int> {
    auto removed = connection.query("DELETE FROM verification_requests WHERE expires_at <= $1",
                                    Parameters().int64(now));
    if (!removed) return tl::unexpected(removed.error());
    return static_cast<int>(removed->affected());
  });
}

Result<void> PostgresRegistrationStore::putPrivateKey(const PrivateKeyTransfer& transfer) {
  return pool_.withTransaction([&](Connection& connection) -> Result<void> {
    // Checked here rather than left to the foreign key, whose failure names the constraint, not
    // the account. FOR KEY SHARE keeps the account until the insert commits.
    auto found =
        connection.query("SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR KEY SHARE",
                         Parameters().text(transfer.domain).text(transfer.username));
    if (!found) return tl::unexpected(found.error());
    if (found->count() == 0) {
      return failure(StatusCode::NotFound,
                     "private keys: no account " + transfer.username + "@" + transfer.domain);
    }
    auto inserted = connection.query(
        "INSERT INTO private_key_transfers (token, domain, username, private_key, expires_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        Parameters()
            .text(transfer.token)
            .text(transfer.domain)
            .text(transfer.username)
            .bytea(transfer.privateKey)
            .int64(transfer.expiresAt));
    if (!inserted) return tl::unexpected(inserted.error());
    if (inserted->affected() == 0) {
      return failure(StatusCode::AlreadyExists, "private keys: token exists");
    }
    return {};
  });
}

Result<std::optional<PrivateKeyTransfer>> PostgresRegistrationStore::takePrivateKey(
    const std::string& token, std::int64_t now) {
  return pool_.withConnection(
      [&](Connection& connection) -> Result<std::optional<PrivateKeyTransfer>> {
        // DELETE ... RETURNING removes and reads in one statement: a token is used once even
        // under concurrent retrievals.
        auto rows = connection.query(
            "DELETE FROM private_key_transfers WHERE token = $1 "
            "RETURNING domain, username, private_key, expires_at",
            Parameters().text(token));
        if (!rows) return tl::unexpected(rows.error());
        if (rows->count() == 0) return std::optional<PrivateKeyTransfer>();
        PrivateKeyTransfer transfer;
        transfer.token = token;
        transfer.domain = rows->text(0, 0);
        transfer.username = rows->text(0, 1);
        transfer.privateKey = rows->bytea(0, 2);
        transfer.expiresAt = rows->int64(0, 3);
        if (transfer.expiresAt <= now) return std::optional<PrivateKeyTransfer>();
        return std::optional<PrivateKeyTransfer>(std::move(transfer));
      });
}

Result<int> PostgresRegistrationStore::purgeExpiredPrivateKeys(std::int64_t now) {
  return pool_.withConnection([&](Connection& connection) -> Result<int> {
    auto removed = connection.query("DELETE FROM private_key_transfers WHERE expires_at <= $1",
                                    Parameters().int64(now));
    if (!removed) return tl::unexpected(removed.error());
    return static_cast<int>(removed->affected());
  });
}

}  // namespace kontalk::storage::postgresql
