#include "storage/sqlite/sqlite_offline_store.hpp"

#include <optional>

#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {
namespace {

// How many unexpired messages the account holds, all of them or those from `append.sender`.
// Expired messages do not count: they are as good as gone, the purge just has not run yet.
Result<std::size_t> countHeld(Database& database, const JournalAppend& append, bool fromSender) {
  auto count = database.prepare(
      fromSender ? "SELECT COUNT(*) FROM offline_messages "
                   "WHERE domain = ? AND username = ? AND sender = ? AND expires_at > ?"
                 : "SELECT COUNT(*) FROM offline_messages "
                   "WHERE domain = ? AND username = ? AND expires_at > ?");
  if (!count) return tl::unexpected(count.error());
  int index = 1;
  count->bindText(index++, append.domain);
  count->bindText(index++, append.username);
  if (fromSender) count->bindText(index++, append.sender);
  count->bindInt64(index, append.message.storedAt);
  if (auto row = count->step(); !row) return tl::unexpected(row.error());
  return static_cast<std::size_t>(count->columnInt64(0));
}

// The quota the append would exceed, if any.
Result<std::optional<AppendOutcome>> quotaExceeded(Database& database,
                                                   const JournalAppend& append) {
  if (append.maxMessages > 0) {
    auto held = countHeld(database, append, false);
    if (!held) return tl::unexpected(held.error());
    if (*held >= append.maxMessages) return AppendOutcome::QuotaExceeded;
  }
  if (append.maxFromSender > 0) {
    auto held = countHeld(database, append, true);
    if (!held) return tl::unexpected(held.error());
    if (*held >= append.maxFromSender) return AppendOutcome::SenderQuotaExceeded;
  }
  return std::nullopt;
}

Result<AppendOutcome> appendOne(Database& database, Statement& insert,
                                const JournalAppend& append) {
  auto refused = quotaExceeded(database, append);
  if (!refused) return tl::unexpected(refused.error());
  if (*refused) return **refused;
  insert.reset();
  insert.bindInt64(1, append.message.id);
  insert.bindText(2, append.domain);
  insert.bindText(3, append.username);
  insert.bindText(4, append.sender);
  insert.bindBlob(5, append.message.stanza);
  insert.bindInt64(6, append.message.storedAt);
  insert.bindInt64(7, append.message.expiresAt);
  if (auto done = insert.run(); !done) {
    // The foreign key refuses a message for an account that does not exist; asking only then
    // keeps the common case at one statement. A failed statement leaves the transaction open.
    auto exists = accountExists(database, append.username, append.domain);
    if (exists && !*exists) return AppendOutcome::NoSuchAccount;
    return tl::unexpected(done.error());
  }
  return AppendOutcome::Stored;
}

Result<AppendOutcome> appendRemote(Statement& insert, const JournalAppend& append) {
  insert.reset();
  insert.bindInt64(1, append.message.id);
  insert.bindText(2, append.domain);
  insert.bindText(3, append.username);
  insert.bindText(4, append.sender);
  insert.bindBlob(5, append.message.stanza);
  insert.bindInt64(6, append.message.storedAt);
  insert.bindInt64(7, append.message.expiresAt);
  if (auto done = insert.run(); !done) return tl::unexpected(done.error());
  return AppendOutcome::Stored;
}

// Reads rows (id, stanza, stored_at, expires_at) of `select` until `limit` is reached.
Result<std::vector<OfflineMessage>> readMessages(Statement& select, PendingLimit limit) {
  std::vector<OfflineMessage> messages;
  std::size_t bytes = 0;
  // Rows are produced one step at a time: stopping at the byte limit reads no further row.
  while (limit.bytes == 0 || bytes < limit.bytes) {
    auto row = select.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    messages.push_back(OfflineMessage{select.columnInt64(0), select.columnBlob(1),
                                      select.columnInt64(2), select.columnInt64(3)});
    bytes += messages.back().stanza.size();
  }
  return messages;
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
          "INSERT INTO offline_messages (id, domain, username, sender, stanza, stored_at, "
          "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
      if (!insert) return tl::unexpected(insert.error());
      auto insertRemote = database.prepare(
          "INSERT INTO remote_messages (id, domain, username, sender, stanza, stored_at, "
          "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
      if (!insertRemote) return tl::unexpected(insertRemote.error());
      for (const auto& append : appends) {
        auto outcome = append.remote ? appendRemote(*insertRemote, append)
                                     : appendOne(database, *insert, append);
        if (!outcome) return tl::unexpected(outcome.error());
        outcomes.push_back(*outcome);
      }
    }
    if (!removals.empty()) {
      // An id is in one of the two tables; deleting from both is one indexed lookup each.
      for (const char* sql : {"DELETE FROM offline_messages WHERE id = ?",
                              "DELETE FROM remote_messages WHERE id = ?"}) {
        auto remove = database.prepare(sql);
        if (!remove) return tl::unexpected(remove.error());
        for (const std::int64_t id : removals) {
          remove->reset();
          remove->bindInt64(1, id);
          if (auto done = remove->run(); !done) return tl::unexpected(done.error());
        }
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
        " COALESCE((SELECT MAX(id) FROM offline_messages), 0),"
        " COALESCE((SELECT MAX(id) FROM remote_messages), 0))");
    if (!select) return tl::unexpected(select.error());
    if (auto row = select->step(); !row) return tl::unexpected(row.error());
    return select->columnInt64(0);
  });
}

Result<StoredCounts> SqliteOfflineStore::countStored() {
  return database_.withDatabase([&](Database& database) -> Result<StoredCounts> {
    auto select = database.prepare(
        "SELECT (SELECT COUNT(*) FROM offline_messages), (SELECT COUNT(*) FROM remote_messages)");
    if (!select) return tl::unexpected(select.error());
    if (auto row = select->step(); !row) return tl::unexpected(row.error());
    return StoredCounts{select->columnInt64(0), select->columnInt64(1)};
  });
}

Result<std::vector<OfflineMessage>> SqliteOfflineStore::pending(const std::string& username,
                                                                const std::string& domain,
                                                                std::int64_t now,
                                                                std::int64_t afterId,
                                                                PendingLimit limit) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<OfflineMessage>> {
    auto select = database.prepare(
        "SELECT id, stanza, stored_at, expires_at FROM offline_messages "
        "WHERE domain = ? AND username = ? AND id > ? AND expires_at > ? ORDER BY id LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    select->bindInt64(3, afterId);
    select->bindInt64(4, now);
    select->bindInt64(5, static_cast<std::int64_t>(limit.messages));
    return readMessages(*select, limit);
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

Result<std::vector<std::string>> SqliteOfflineStore::remoteDomains(std::int64_t now) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<std::string>> {
    auto select =
        database.prepare("SELECT DISTINCT domain FROM remote_messages WHERE expires_at > ?");
    if (!select) return tl::unexpected(select.error());
    select->bindInt64(1, now);
    std::vector<std::string> domains;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return domains;
      domains.push_back(select->columnText(0));
    }
  });
}

Result<std::vector<OfflineMessage>> SqliteOfflineStore::pendingRemote(const std::string& domain,
                                                                      std::int64_t now,
                                                                      std::int64_t afterId,
                                                                      PendingLimit limit) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<OfflineMessage>> {
    auto select = database.prepare(
        "SELECT id, stanza, stored_at, expires_at FROM remote_messages "
        "WHERE domain = ? AND id > ? AND expires_at > ? ORDER BY id LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindInt64(2, afterId);
    select->bindInt64(3, now);
    select->bindInt64(4, static_cast<std::int64_t>(limit.messages));
    return readMessages(*select, limit);
  });
}

Result<std::vector<OfflineMessage>> SqliteOfflineStore::expiredRemote(std::int64_t now,
                                                                      std::size_t limit) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<OfflineMessage>> {
    auto select = database.prepare(
        "SELECT id, stanza, stored_at, expires_at FROM remote_messages "
        "WHERE expires_at <= ? ORDER BY id LIMIT ?");
    if (!select) return tl::unexpected(select.error());
    select->bindInt64(1, now);
    select->bindInt64(2, static_cast<std::int64_t>(limit));
    return readMessages(*select, {limit, 0});
  });
}

}  // namespace kontalk::storage::sqlite
