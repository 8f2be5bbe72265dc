#include "storage/sqlite/sqlite_roster_store.hpp"

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/roster_subscription.hpp"

namespace kontalk::storage::sqlite {

namespace {

// Every roster table is keyed by (domain, username[, contact]), and every statement here names
// that key first: these prepare a statement and bind the key, leaving the rest to the caller.
Result<Statement> prepareForAccount(Database& database, std::string_view sql,
                                    const std::string& username, const std::string& domain) {
  auto statement = database.prepare(sql);
  if (!statement) return statement;
  statement->bindText(1, domain);
  statement->bindText(2, username);
  return statement;
}

Result<Statement> prepareForContact(Database& database, std::string_view sql,
                                    const std::string& username, const std::string& domain,
                                    const std::string& contact) {
  auto statement = prepareForAccount(database, sql, username, domain);
  if (statement) statement->bindText(3, contact);
  return statement;
}

// Every row the statement returns, each made by readRow.
template <typename ReadRow>
auto readRows(Statement& statement, ReadRow readRow)
    -> Result<std::vector<std::invoke_result_t<ReadRow&, const Statement&>>> {
  std::vector<std::invoke_result_t<ReadRow&, const Statement&>> rows;
  for (;;) {
    auto row = statement.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return rows;
    rows.push_back(readRow(statement));
  }
}

// The statement's first row made by readRow, or nullopt when it returns none.
template <typename ReadRow>
auto readOptionalRow(Statement& statement, ReadRow readRow)
    -> Result<std::optional<std::invoke_result_t<ReadRow&, const Statement&>>> {
  using Row = std::invoke_result_t<ReadRow&, const Statement&>;
  auto row = statement.step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<Row>();
  return std::optional<Row>(readRow(statement));
}

// The first column of the statement's first row, or 0 when it returns no row.
Result<std::int64_t> readInt64OrZero(Statement& statement) {
  auto value = readOptionalRow(statement, [](const Statement& row) { return row.columnInt64(0); });
  if (!value) return tl::unexpected(value.error());
  return value->value_or(0);
}

// The item columns in the order readItem expects them.
constexpr std::string_view kItemColumns = "contact, name, subscription, ask, approved";

RosterItem readItem(const Statement& row) {
  RosterItem item;
  item.contact = row.columnText(0);
  item.name = row.columnText(1);
  readSubscription(row.columnText(2), item);
  item.askSubscribe = row.columnInt64(3) != 0;
  item.approved = row.columnInt64(4) != 0;
  return item;
}

Result<void> readGroups(Database& database, const std::string& username, const std::string& domain,
                        RosterItem& item) {
  auto select = prepareForContact(
      database,
      "SELECT name FROM roster_groups WHERE domain = ? AND username = ? AND contact = ? "
      "ORDER BY position",
      username, domain, item.contact);
  if (!select) return tl::unexpected(select.error());
  auto groups = readRows(*select, [](const Statement& row) { return row.columnText(0); });
  if (!groups) return tl::unexpected(groups.error());
  item.groups = std::move(*groups);
  return {};
}

// Increments the account's roster version (creating it at 1); returns the new value. Call inside
// the transaction that made the change, so that a version always names one roster content.
Result<std::int64_t> bumpVersion(Database& database, const std::string& username,
                                 const std::string& domain) {
  auto upsert = prepareForAccount(
      database,
      "INSERT INTO roster_versions (domain, username, version) VALUES (?, ?, 1) "
      "ON CONFLICT (domain, username) DO UPDATE SET version = version + 1 RETURNING version",
      username, domain);
  if (!upsert) return tl::unexpected(upsert.error());
  auto row = upsert->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return failure(StatusCode::Internal, "roster: version upsert returned no row");
  const std::int64_t version = upsert->columnInt64(0);
  // Finish the statement so that the write is complete before the transaction commits.
  if (auto finished = upsert->step(); !finished) return tl::unexpected(finished.error());
  return version;
}

// Ends a transaction that changed the account's roster: bumps the version and commits. Returns
// the new version.
Result<std::int64_t> commitNewVersion(Database& database, Transaction& transaction,
                                      const std::string& username, const std::string& domain) {
  auto version = bumpVersion(database, username, domain);
  if (!version) return version;
  if (auto committed = transaction.commit(); !committed) return tl::unexpected(committed.error());
  return version;
}

Result<void> writeGroups(Database& database, const std::string& username, const std::string& domain,
                         const RosterItem& item) {
  auto clear = prepareForContact(
      database, "DELETE FROM roster_groups WHERE domain = ? AND username = ? AND contact = ?",
      username, domain, item.contact);
  if (!clear) return tl::unexpected(clear.error());
  if (auto done = clear->run(); !done) return done;
  // The key is bound once: reset() keeps the bindings, each row rebinds only its own columns.
  auto insert = prepareForContact(database,
                                  "INSERT INTO roster_groups (domain, username, contact, position, "
                                  "name) VALUES (?, ?, ?, ?, ?)",
                                  username, domain, item.contact);
  if (!insert) return tl::unexpected(insert.error());
  for (std::size_t position = 0; position < item.groups.size(); ++position) {
    insert->reset();
    insert->bindInt64(4, static_cast<std::int64_t>(position));
    insert->bindText(5, item.groups[position]);
    if (auto done = insert->run(); !done) return done;
  }
  return {};
}

}  // namespace

Result<std::vector<RosterItem>> SqliteRosterStore::items(const std::string& username,
                                                         const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<RosterItem>> {
    auto select = prepareForAccount(database,
                                    "SELECT " + std::string(kItemColumns) +
                                        " FROM roster_items WHERE domain = ? AND username = ? "
                                        "ORDER BY contact",
                                    username, domain);
    if (!select) return tl::unexpected(select.error());
    auto result = readRows(*select, readItem);
    if (!result) return result;
    for (RosterItem& each : *result) {
      if (auto read = readGroups(database, username, domain, each); !read) {
        return tl::unexpected(read.error());
      }
    }
    return result;
  });
}

Result<std::optional<RosterItem>> SqliteRosterStore::item(const std::string& username,
                                                          const std::string& domain,
                                                          const std::string& contact) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<RosterItem>> {
    auto select = prepareForContact(database,
                                    "SELECT " + std::string(kItemColumns) +
                                        " FROM roster_items WHERE domain = ? AND username = ? "
                                        "AND contact = ?",
                                    username, domain, contact);
    if (!select) return tl::unexpected(select.error());
    auto found = readOptionalRow(*select, readItem);
    if (!found || !*found) return found;
    if (auto read = readGroups(database, username, domain, **found); !read) {
      return tl::unexpected(read.error());
    }
    return found;
  });
}

Result<std::int64_t> SqliteRosterStore::itemCount(const std::string& username,
                                                  const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto select = prepareForAccount(
        database, "SELECT COUNT(*) FROM roster_items WHERE domain = ? AND username = ?", username,
        domain);
    if (!select) return tl::unexpected(select.error());
    return readInt64OrZero(*select);  // COUNT(*) always returns its row
  });
}

Result<std::int64_t> SqliteRosterStore::putItem(const std::string& username,
                                                const std::string& domain, const RosterItem& item) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // An upsert, not REPLACE: REPLACE deletes the row first, which would cascade to its groups.
    auto upsert = prepareForContact(
        database,
        "INSERT INTO roster_items (domain, username, contact, name, subscription, ask, approved) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (domain, username, contact) DO UPDATE SET "
        "name = excluded.name, subscription = excluded.subscription, ask = excluded.ask, "
        "approved = excluded.approved",
        username, domain, item.contact);
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(4, item.name);
    upsert->bindText(5, subscriptionName(item));
    upsert->bindInt64(6, item.askSubscribe ? 1 : 0);
    upsert->bindInt64(7, item.approved ? 1 : 0);
    if (auto done = upsert->run(); !done) return tl::unexpected(done.error());
    if (auto done = writeGroups(database, username, domain, item); !done) {
      return tl::unexpected(done.error());
    }
    return commitNewVersion(database, *transaction, username, domain);
  });
}

Result<std::int64_t> SqliteRosterStore::removeItem(const std::string& username,
                                                   const std::string& domain,
                                                   const std::string& contact) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // The groups go with the item through ON DELETE CASCADE.
    auto remove = prepareForContact(
        database, "DELETE FROM roster_items WHERE domain = ? AND username = ? AND contact = ?",
        username, domain, contact);
    if (!remove) return tl::unexpected(remove.error());
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    if (database.changes() == 0) {
      return failure(StatusCode::NotFound, "roster: no item " + contact);
    }
    return commitNewVersion(database, *transaction, username, domain);
  });
}

Result<std::int64_t> SqliteRosterStore::version(const std::string& username,
                                                const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto select = prepareForAccount(
        database, "SELECT version FROM roster_versions WHERE domain = ? AND username = ?", username,
        domain);
    if (!select) return tl::unexpected(select.error());
    return readInt64OrZero(*select);  // no row: the roster was never changed
  });
}

Result<void> SqliteRosterStore::putPendingSubscription(const std::string& username,
                                                       const std::string& domain,
                                                       const PendingSubscription& request) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto upsert = prepareForContact(
        database,
        "INSERT INTO roster_pending_subscriptions (domain, username, contact, stanza, received_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain, username, contact) DO UPDATE SET "
        "stanza = excluded.stanza, received_at = excluded.received_at",
        username, domain, request.contact);
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(4, request.stanza);
    upsert->bindInt64(5, request.receivedAt);
    return upsert->run();
  });
}

Result<bool> SqliteRosterStore::removePendingSubscription(const std::string& username,
                                                          const std::string& domain,
                                                          const std::string& contact) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto remove = prepareForContact(database,
                                    "DELETE FROM roster_pending_subscriptions WHERE domain = ? "
                                    "AND username = ? AND contact = ?",
                                    username, domain, contact);
    if (!remove) return tl::unexpected(remove.error());
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    return database.changes() != 0;
  });
}

Result<std::optional<PendingSubscription>> SqliteRosterStore::pendingSubscription(
    const std::string& username, const std::string& domain, const std::string& contact) {
  return database_.withDatabase(
      [&](Database& database) -> Result<std::optional<PendingSubscription>> {
        auto select = prepareForContact(database,
                                        "SELECT stanza, received_at FROM "
                                        "roster_pending_subscriptions WHERE domain = ? AND "
                                        "username = ? AND contact = ?",
                                        username, domain, contact);
        if (!select) return tl::unexpected(select.error());
        return readOptionalRow(*select, [&contact](const Statement& row) {
          return PendingSubscription{contact, row.columnText(0), row.columnInt64(1)};
        });
      });
}

Result<std::vector<PendingSubscription>> SqliteRosterStore::pendingSubscriptions(
    const std::string& username, const std::string& domain) {
  return database_.withDatabase(
      [&](Database& database) -> Result<std::vector<PendingSubscription>> {
        auto select = prepareForAccount(
            database,
            "SELECT contact, stanza, received_at FROM roster_pending_subscriptions "
            "WHERE domain = ? AND username = ? ORDER BY received_at, contact",
            username, domain);
        if (!select) return tl::unexpected(select.error());
        return readRows(*select, [](const Statement& row) {
          return PendingSubscription{row.columnText(0), row.columnText(1), row.columnInt64(2)};
        });
      });
}

Result<void> SqliteRosterStore::setLastPresence(const std::string& username,
                                                const std::string& domain,
                                                const LastPresence& presence) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto upsert = prepareForAccount(
        database,
        "INSERT INTO last_presences (domain, username, stanza, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (domain, username) DO UPDATE SET stanza = excluded.stanza, at = excluded.at",
        username, domain);
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(3, presence.stanza);
    upsert->bindInt64(4, presence.at);
    return upsert->run();
  });
}

Result<std::optional<LastPresence>> SqliteRosterStore::lastPresence(const std::string& username,
                                                                    const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<LastPresence>> {
    auto select = prepareForAccount(
        database, "SELECT stanza, at FROM last_presences WHERE domain = ? AND username = ?",
        username, domain);
    if (!select) return tl::unexpected(select.error());
    return readOptionalRow(*select, [](const Statement& row) {
      return LastPresence{row.columnText(0), row.columnInt64(1)};
    });
  });
}

}  // namespace kontalk::storage::sqlite
