#include "storage/sqlite/sqlite_offline_store.hpp"

#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

Result<EnqueueOutcome> SqliteOfflineStore::enqueue(const std::string& username,
                                                   const std::string& domain,
                                                   const OfflineMessage& message,
                                                   std::size_t maxMessages) {
  return database_.withDatabase([&](Database& database) -> Result<EnqueueOutcome> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) {
      return tl::unexpected(exists.error());
    }
    // Expired messages do not count: they are as good as gone, the purge just has not run yet.
    auto count = database.prepare(
        "SELECT COUNT(*) FROM offline_messages "
        "WHERE domain = ? AND username = ? AND expires_at > ?");
    if (!count) return tl::unexpected(count.error());
    count->bindText(1, domain);
    count->bindText(2, username);
    count->bindInt64(3, message.storedAt);
    if (auto row = count->step(); !row) return tl::unexpected(row.error());
    if (static_cast<std::size_t>(count->columnInt64(0)) >= maxMessages) {
      return EnqueueOutcome::QuotaExceeded;
    }
    auto insert = database.prepare(
        "INSERT INTO offline_messages (domain, username, stanza, stored_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!insert) return tl::unexpected(insert.error());
    insert->bindText(1, domain);
    insert->bindText(2, username);
    insert->bindBlob(3, message.stanza);
    insert->bindInt64(4, message.storedAt);
    insert->bindInt64(5, message.expiresAt);
    if (auto done = insert->run(); !done) return tl::unexpected(done.error());
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return EnqueueOutcome::Stored;
  });
}

Result<std::vector<OfflineMessage>> SqliteOfflineStore::pending(const std::string& username,
                                                                const std::string& domain,
                                                                std::int64_t now,
                                                                std::size_t limit) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<OfflineMessage>> {
    auto select = database.prepare(
        "SELECT id, stanza, stored_at, expires_at FROM offline_messages "
        "WHERE domain = ? AND username = ? AND expires_at > ? ORDER BY id LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    select->bindInt64(3, now);
    select->bindInt64(4, static_cast<std::int64_t>(limit));
    std::vector<OfflineMessage> messages;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return messages;
      messages.push_back(OfflineMessage{select->columnInt64(0), select->columnBlob(1),
                                        select->columnInt64(2), select->columnInt64(3)});
    }
  });
}

Result<void> SqliteOfflineStore::remove(const std::string& username, const std::string& domain,
                                        const std::vector<std::int64_t>& ids) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    auto remove = database.prepare(
        "DELETE FROM offline_messages WHERE id = ? AND domain = ? AND username = ?");
    if (!remove) return tl::unexpected(remove.error());
    for (const std::int64_t id : ids) {
      remove->reset();
      remove->bindInt64(1, id);
      remove->bindText(2, domain);
      remove->bindText(3, username);
      if (auto done = remove->run(); !done) return done;
    }
    return transaction->commit();
  });
}

Result<std::int64_t> SqliteOfflineStore::purgeExpired(std::int64_t now) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto remove = database.prepare("DELETE FROM offline_messages WHERE expires_at <= ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindInt64(1, now);
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    return database.changes();
  });
}

}  // namespace kontalk::storage::sqlite
