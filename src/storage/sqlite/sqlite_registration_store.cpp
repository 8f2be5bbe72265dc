#include "storage/sqlite/sqlite_registration_store.hpp"

namespace kontalk::storage::sqlite {

Result<void> SqliteRegistrationStore::putVerification(const VerificationRequest& request) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto upsert = database.prepare(
        "INSERT INTO verification_requests "
        "(domain, username, phone, provider, handle, created_at, expires_at, failed_attempts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
        "ON CONFLICT (domain, username) DO UPDATE SET phone = excluded.phone, "
        "provider = excluded.provider, handle = excluded.handle, "
        "created_at = excluded.created_at, expires_at = excluded.expires_at, failed_attempts = 0");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, request.domain);
    upsert->bindText(2, request.username);
    upsert->bindText(3, request.phone);
    upsert->bindText(4, request.provider);
    upsert->bindBlob(5, request.handle);
    upsert->bindInt64(6, request.createdAt);
    upsert->bindInt64(7, request.expiresAt);
    return upsert->run();
  });
}

Result<std::optional<VerificationRequest>> SqliteRegistrationStore::findVerification(
    const std::string& username, const std::string& domain, std::int64_t now) {
  return database_.withDatabase(
      [&](Database& database) -> Result<std::optional<VerificationRequest>> {
        auto select = database.prepare(
            "SELECT phone, provider, handle, created_at, expires_at, failed_attempts "
            "FROM verification_requests WHERE domain = ? AND username = ? AND expires_at > ?");
        if (!select) return tl::unexpected(select.error());
        select->bindText(1, domain);
        select->bindText(2, username);
        select->bindInt64(3, now);
        auto row = select->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return std::optional<VerificationRequest>();
        VerificationRequest request;
        request.username = username;
        request.domain = domain;
        request.phone = select->columnText(0);
        request.provider = select->columnText(1);
        request.handle = select->columnBlob(2);
        request.createdAt = select->columnInt64(3);
        request.expiresAt = select->columnInt64(4);
        request.failedAttempts = static_cast<int>(select->columnInt64(5));
        return std::optional<VerificationRequest>(std::move(request));
      });
}

Result<bool> SqliteRegistrationStore::consumeVerification(const std::string& username,
                                                          const std::string& domain,
                                                          const std::string& handle) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto remove = database.prepare(
        "DELETE FROM verification_requests WHERE domain = ? AND username = ? AND handle = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindText(1, domain);
    remove->bindText(2, username);
    remove->bindBlob(3, handle);
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    return database.changes() > 0;
  });
}

Result<int> SqliteRegistrationStore::recordFailedAttempt(const std::string& username,
                                                         const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<int> {
    auto update = database.prepare(
        "UPDATE verification_requests SET failed_attempts = failed_attempts + 1 "
        "WHERE domain = ? AND username = ? RETURNING failed_attempts");
    if (!update) return tl::unexpected(update.error());
    update->bindText(1, domain);
    update->bindText(2, username);
    auto row = update->step();
    if (!row) return tl::unexpected(row.error());
    const int attempts = *row ? static_cast<int>(update->columnInt64(0)) : 0;
    // RETURNING rows come before the statement finishes; run it to the end to apply it.
    if (*row) {
      if (auto rest = update->step(); !rest) return tl::unexpected(rest.error());
    }
    return attempts;
  });
}

Result<void> SqliteRegistrationStore::removeVerification(const std::string& username,
                                                         const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto remove =
        database.prepare("DELETE FROM verification_requests WHERE domain = ? AND username = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindText(1, domain);
    remove->bindText(2, username);
    return remove->run();
  });
}

Result<int> SqliteRegistrationStore::purgeExpiredVerifications(std::int64_t now) {
  return database_.withDatabase([&](Database& database) -> Result<int> {
    auto remove = database.prepare("DELETE FROM verification_requests WHERE expires_at <= ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindInt64(1, now);
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    return static_cast<int>(database.changes());
  });
}

Result<void> SqliteRegistrationStore::putPrivateKey(const PrivateKeyTransfer& transfer) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // Checked here rather than left to the foreign key, whose failure is indistinguishable from
    // any other constraint error.
    auto exists = database.prepare("SELECT 1 FROM accounts WHERE domain = ? AND username = ?");
    if (!exists) return tl::unexpected(exists.error());
    exists->bindText(1, transfer.domain);
    exists->bindText(2, transfer.username);
    auto found = exists->step();
    if (!found) return tl::unexpected(found.error());
    if (!*found) {
      return failure(StatusCode::NotFound,
                     "private keys: no account " + transfer.username + "@" + transfer.domain);
    }
    auto insert = database.prepare(
        "INSERT INTO private_key_transfers (token, domain, username, private_key, expires_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!insert) return tl::unexpected(insert.error());
    insert->bindText(1, transfer.token);
    insert->bindText(2, transfer.domain);
    insert->bindText(3, transfer.username);
    insert->bindBlob(4, transfer.privateKey);
    insert->bindInt64(5, transfer.expiresAt);
    if (auto done = insert->run(); !done) return done;
    if (database.changes() == 0) {
      return failure(StatusCode::AlreadyExists, "private keys: token exists");
    }
    return transaction->commit();
  });
}

Result<std::optional<PrivateKeyTransfer>> SqliteRegistrationStore::takePrivateKey(
    const std::string& token, std::int64_t now) {
  return database_.withDatabase(
      [&](Database& database) -> Result<std::optional<PrivateKeyTransfer>> {
        // DELETE ... RETURNING removes and reads in one statement: a token is used once even
        // under concurrent retrievals.
        auto take = database.prepare(
            "DELETE FROM private_key_transfers WHERE token = ? "
            "RETURNING domain, username, private_key, expires_at");
        if (!take) return tl::unexpected(take.error());
        take->bindText(1, token);
        auto row = take->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return std::optional<PrivateKeyTransfer>();
        PrivateKeyTransfer transfer;
        transfer.token = token;
        transfer.domain = take->columnText(0);
        transfer.username = take->columnText(1);
        transfer.privateKey = take->columnBlob(2);
        transfer.expiresAt = take->columnInt64(3);
        if (auto rest = take->step(); !rest) return tl::unexpected(rest.error());
        if (transfer.expiresAt <= now) return std::optional<PrivateKeyTransfer>();
        return std::optional<PrivateKeyTransfer>(std::move(transfer));
      });
}

Result<int> SqliteRegistrationStore::purgeExpiredPrivateKeys(std::int64_t now) {
  return database_.withDatabase([&](Database& database) -> Result<int> {
    auto remove = database.prepare("DELETE FROM private_key_transfers WHERE expires_at <= ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindInt64(1, now);
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    return static_cast<int>(database.changes());
  });
}

}  // namespace kontalk::storage::sqlite
