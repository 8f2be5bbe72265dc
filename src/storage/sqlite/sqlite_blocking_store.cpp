#include "storage/sqlite/sqlite_blocking_store.hpp"

#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {

Result<std::vector<std::string>> SqliteBlockingStore::blocked(const std::string& username,
                                                              const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<std::string>> {
    auto select = database.prepare(
        "SELECT jid FROM blocked_jids WHERE domain = ? AND username = ? ORDER BY jid");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    std::vector<std::string> jids;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return jids;
      jids.push_back(select->columnText(0));
    }
  });
}

Result<std::vector<BlockEntry>> SqliteBlockingStore::all(const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<BlockEntry>> {
    auto select = database.prepare(
        "SELECT username, jid FROM blocked_jids WHERE domain = ? ORDER BY username, jid");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    std::vector<BlockEntry> entries;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return entries;
      entries.push_back(BlockEntry{select->columnText(0), domain, select->columnText(1)});
    }
  });
}

Result<void> SqliteBlockingStore::block(const std::string& username, const std::string& domain,
                                        const std::vector<std::string>& jids) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) return exists;
    auto insert = database.prepare(
        "INSERT INTO blocked_jids (domain, username, jid) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!insert) return tl::unexpected(insert.error());
    for (const auto& jid : jids) {
      insert->reset();
      insert->bindText(1, domain);
      insert->bindText(2, username);
      insert->bindText(3, jid);
      if (auto done = insert->run(); !done) return done;
    }
    return transaction->commit();
  });
}

Result<void> SqliteBlockingStore::unblock(const std::string& username, const std::string& domain,
                                          const std::vector<std::string>& jids) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    auto remove =
        database.prepare("DELETE FROM blocked_jids WHERE domain = ? AND username = ? AND jid = ?");
    if (!remove) return tl::unexpected(remove.error());
    for (const auto& jid : jids) {
      remove->reset();
      remove->bindText(1, domain);
      remove->bindText(2, username);
      remove->bindText(3, jid);
      if (auto done = remove->run(); !done) return done;
    }
    return transaction->commit();
  });
}

Result<void> SqliteBlockingStore::unblockAll(const std::string& username,
                                             const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto remove = database.prepare("DELETE FROM blocked_jids WHERE domain = ? AND username = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindText(1, domain);
    remove->bindText(2, username);
    return remove->run();
  });
}

}  // namespace kontalk::storage::sqlite
