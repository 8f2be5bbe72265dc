#include "storage/sqlite/sqlite_offline_store.hpp"

#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {
namespace {

// Expired messages do not count: they are as good as gone, the purge just has not run yet.
Result<bool> quotaReached(Database& database, const JournalAppend& append) {
  auto count = database.prepare(
      "SELECT COUNT(*) FROM offline_messages "
      "WHERE domain = ? AND username = ? AND expires_at > ?");
  if (!count) return tl::unexpected(count.error());
  count->bindText(1, append.domain);
  count->bindText(2, append.username);
  count->bindInt64(3, append.message.storedAt);
  if (auto row = count->step(); !row) return tl::unexpected(row.error());
  return static_cast<std::size_t>(count->columnInt64(0)) >= append.maxMessages;
}

Result<AppendOutcome> appendOne(Database& database, Statement& insert,
                                const JournalAppend& append) {
  if (append.maxMessages > 0) {
    auto full = quotaReached(database, append);
    if (!full) return tl::unexpected(full.error());
    if (*full) return AppendOutcome::QuotaExceeded;
  }
  insert.reset();
  insert.bindInt64(1, append.message.id);
  insert.bindText(2, append.domain);
  insert.bindText(3, append.username);
  insert.bindBlob(4, append.message.stanza);
  insert.bindInt64(5, append.message.storedAt);
  insert.bindInt64(6, append.message.expiresAt);
  if (auto done = insert.run(); !done) {
    // The foreign key refuses a message for an account that does not exist; asking only then
    // keeps the common case at one statement. A failed statement leaves the transaction open.
    auto exists = accountExists(database, append.username, append.domain);
    if (exists && !*exists) return AppendOutcome::NoSuchAccount;
    return tl::unexpected(done.error());
  }
  return AppendOutcome::Stored;
}

}  // namespace

Result<std::vector<AppendOutcome>> SqliteOfflineStore::commit(
    const std::vector<JournalAppend>& appends, const std::vector<std::int64_t>& removals) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<AppendOutcome>> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    std::vector<AppendOutcome> outcomes;
    outcomes.reserve(appends.size());
    if (!appends.empty()) {
      auto insert = database.prepare(
          "INSERT INTO offline_messages (id, domain, username, stanza, stored_at, expires_at) "
          "VALUES (?, ?, ?, ?, ?, ?)");
      if (!insert) return tl::unexpected(insert.error());
      for (const auto& append : appends) {
        auto outcome = appendOne(database, *insert, append);
        if (!outcome) return tl::unexpected(outcome.error());
        outcomes.push_back(*outcome);
      }
    }
    if (!removals.empty()) {
      auto remove = database.prepare("DELETE FROM offline_messages WHERE id = ?");
      if (!remove) return tl::unexpected(remove.error());
      for (const std::int64_t id : removals) {
        remove->reset();
        remove->bindInt64(1, id);
        if (auto done = remove->run(); !done) return tl::unexpected(done.error());
      }
    }
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return outcomes;
  });
}

Result<std::int64_t> SqliteOfflineStore::highestId() {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    // sqlite_sequence remembers ids of rows already deleted too (AUTOINCREMENT, migration 3).
    auto select = database.prepare(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'offline_messages'), 0),"
        " COALESCE((SELECT MAX(id) FROM offline_messages), 0))");
    if (!select) return tl::unexpected(select.error());
    if (auto row = select->step(); !row) return tl::unexpected(row.error());
    return select->columnInt64(0);
  });
}

Result<std::vector<OfflineMessage>> SqliteOfflineStore::pending(const std::string& username,
                                                                const std::string& domain,
                                                                std::int64_t now,
                                                                std::int64_t afterId,
                                                                std::size_t limit) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<OfflineMessage>> {
    auto select = database.prepare(
        "SELECT id, stanza, stored_at, expires_at FROM offline_messages "
        "WHERE domain = ? AND username = ? AND id > ? AND expires_at > ? ORDER BY id LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    select->bindInt64(3, afterId);
    select->bindInt64(4, now);
    select->bindInt64(5, static_cast<std::int64_t>(limit));
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
