#include "storage/sqlite/sqlite_roster_store.hpp"

#include <utility>

namespace kontalk::storage::sqlite {

namespace {

// The 'subscription' attribute values of RFC 6121 §2.1.2.5, stored as such.
std::string_view subscriptionName(const RosterItem& item) {
  if (item.subscriptionTo && item.subscriptionFrom) return "both";
  if (item.subscriptionTo) return "to";
  if (item.subscriptionFrom) return "from";
  return "none";
}

void readSubscription(std::string_view name, RosterItem& item) {
  item.subscriptionTo = name == "to" || name == "both";
  item.subscriptionFrom = name == "from" || name == "both";
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
  auto select = database.prepare(
      "SELECT name FROM roster_groups WHERE domain = ? AND username = ? AND contact = ? "
      "ORDER BY position");
  if (!select) return tl::unexpected(select.error());
  select->bindText(1, domain);
  select->bindText(2, username);
  select->bindText(3, item.contact);
  for (;;) {
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    item.groups.push_back(select->columnText(0));
  }
}

// Increments the account's roster version (creating it at 1); returns the new value. Call inside
// the transaction that made the change, so that a version always names one roster content.
Result<std::int64_t> bumpVersion(Database& database, const std::string& username,
                                 const std::string& domain) {
  auto upsert = database.prepare(
      "INSERT INTO roster_versions (domain, username, version) VALUES (?, ?, 1) "
      "ON CONFLICT (domain, username) DO UPDATE SET version = version + 1 RETURNING version");
  if (!upsert) return tl::unexpected(upsert.error());
  upsert->bindText(1, domain);
  upsert->bindText(2, username);
  auto row = upsert->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(StorageErrorKind::Backend, "roster: version upsert returned no row");
  const std::int64_t version = upsert->columnInt64(0);
  // Finish the statement so that the write is complete before the transaction commits.
  if (auto finished = upsert->step(); !finished) return tl::unexpected(finished.error());
  return version;
}

Result<void> writeGroups(Database& database, const std::string& username, const std::string& domain,
                         const RosterItem& item) {
  auto clear = database.prepare(
      "DELETE FROM roster_groups WHERE domain = ? AND username = ? AND contact = ?");
  if (!clear) return tl::unexpected(clear.error());
  clear->bindText(1, domain);
  clear->bindText(2, username);
  clear->bindText(3, item.contact);
  if (auto done = clear->run(); !done) return done;
  auto insert = database.prepare(
      "INSERT INTO roster_groups (domain, username, contact, position, name) "
      "VALUES (?, ?, ?, ?, ?)");
  if (!insert) return tl::unexpected(insert.error());
  for (std::size_t position = 0; position < item.groups.size(); ++position) {
    insert->reset();
    insert->bindText(1, domain);
    insert->bindText(2, username);
    insert->bindText(3, item.contact);
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
    auto select = database.prepare("SELECT " + std::string(kItemColumns) +
                                   " FROM roster_items WHERE domain = ? AND username = ? "
                                   "ORDER BY contact");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    std::vector<RosterItem> result;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      result.push_back(readItem(*select));
    }
    for (RosterItem& each : result) {
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
    auto select = database.prepare("SELECT " + std::string(kItemColumns) +
                                   " FROM roster_items WHERE domain = ? AND username = ? "
                                   "AND contact = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    select->bindText(3, contact);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<RosterItem>();
    RosterItem found = readItem(*select);
    if (auto read = readGroups(database, username, domain, found); !read) {
      return tl::unexpected(read.error());
    }
    return std::optional<RosterItem>(std::move(found));
  });
}

Result<std::int64_t> SqliteRosterStore::itemCount(const std::string& username,
                                                  const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto select =
        database.prepare("SELECT COUNT(*) FROM roster_items WHERE domain = ? AND username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    return select->columnInt64(0);
  });
}

Result<std::int64_t> SqliteRosterStore::putItem(const std::string& username,
                                                const std::string& domain, const RosterItem& item) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // An upsert, not REPLACE: REPLACE deletes the row first, which would cascade to its groups.
    auto upsert = database.prepare(
        "INSERT INTO roster_items (domain, username, contact, name, subscription, ask, approved) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (domain, username, contact) DO UPDATE SET "
        "name = excluded.name, subscription = excluded.subscription, ask = excluded.ask, "
        "approved = excluded.approved");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, item.contact);
    upsert->bindText(4, item.name);
    upsert->bindText(5, subscriptionName(item));
    upsert->bindInt64(6, item.askSubscribe ? 1 : 0);
    upsert->bindInt64(7, item.approved ? 1 : 0);
    if (auto done = upsert->run(); !done) return tl::unexpected(done.error());
    if (auto done = writeGroups(database, username, domain, item); !done) {
      return tl::unexpected(done.error());
    }
    auto version = bumpVersion(database, username, domain);
    if (!version) return version;
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return version;
  });
}

Result<std::int64_t> SqliteRosterStore::removeItem(const std::string& username,
                                                   const std::string& domain,
                                                   const std::string& contact) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    // The groups go with the item through ON DELETE CASCADE.
    auto remove = database.prepare(
        "DELETE FROM roster_items WHERE domain = ? AND username = ? AND contact = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindText(1, domain);
    remove->bindText(2, username);
    remove->bindText(3, contact);
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    if (database.changes() == 0) {
      return fail(StorageErrorKind::NotFound, "roster: no item " + contact);
    }
    auto version = bumpVersion(database, username, domain);
    if (!version) return version;
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return version;
  });
}

Result<std::int64_t> SqliteRosterStore::version(const std::string& username,
                                                const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::int64_t> {
    auto select =
        database.prepare("SELECT version FROM roster_versions WHERE domain = ? AND username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    return *row ? select->columnInt64(0) : 0;
  });
}

Result<void> SqliteRosterStore::putPendingSubscription(const std::string& username,
                                                       const std::string& domain,
                                                       const PendingSubscription& request) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto upsert = database.prepare(
        "INSERT INTO roster_pending_subscriptions (domain, username, contact, stanza, received_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain, username, contact) DO UPDATE SET "
        "stanza = excluded.stanza, received_at = excluded.received_at");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, request.contact);
    upsert->bindText(4, request.stanza);
    upsert->bindInt64(5, request.receivedAt);
    return upsert->run();
  });
}

Result<bool> SqliteRosterStore::removePendingSubscription(const std::string& username,
                                                          const std::string& domain,
                                                          const std::string& contact) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto remove = database.prepare(
        "DELETE FROM roster_pending_subscriptions WHERE domain = ? AND username = ? "
        "AND contact = ?");
    if (!remove) return tl::unexpected(remove.error());
    remove->bindText(1, domain);
    remove->bindText(2, username);
    remove->bindText(3, contact);
    if (auto done = remove->run(); !done) return tl::unexpected(done.error());
    return database.changes() != 0;
  });
}

Result<std::optional<PendingSubscription>> SqliteRosterStore::pendingSubscription(
    const std::string& username, const std::string& domain, const std::string& contact) {
  return database_.withDatabase(
      [&](Database& database) -> Result<std::optional<PendingSubscription>> {
        auto select = database.prepare(
            "SELECT stanza, received_at FROM roster_pending_subscriptions "
            "WHERE domain = ? AND username = ? AND contact = ?");
        if (!select) return tl::unexpected(select.error());
        select->bindText(1, domain);
        select->bindText(2, username);
        select->bindText(3, contact);
        auto row = select->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return std::optional<PendingSubscription>();
        return std::optional<PendingSubscription>(
            PendingSubscription{contact, select->columnText(0), select->columnInt64(1)});
      });
}

Result<std::vector<PendingSubscription>> SqliteRosterStore::pendingSubscriptions(
    const std::string& username, const std::string& domain) {
  return database_.withDatabase(
      [&](Database& database) -> Result<std::vector<PendingSubscription>> {
        auto select = database.prepare(
            "SELECT contact, stanza, received_at FROM roster_pending_subscriptions "
            "WHERE domain = ? AND username = ? ORDER BY received_at, contact");
        if (!select) return tl::unexpected(select.error());
        select->bindText(1, domain);
        select->bindText(2, username);
        std::vector<PendingSubscription> result;
        for (;;) {
          auto row = select->step();
          if (!row) return tl::unexpected(row.error());
          if (!*row) return result;
          result.push_back(PendingSubscription{select->columnText(0), select->columnText(1),
                                               select->columnInt64(2)});
        }
      });
}

Result<void> SqliteRosterStore::setLastPresence(const std::string& username,
                                                const std::string& domain,
                                                const LastPresence& presence) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto upsert = database.prepare(
        "INSERT INTO last_presences (domain, username, stanza, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (domain, username) DO UPDATE SET stanza = excluded.stanza, at = excluded.at");
    if (!upsert) return tl::unexpected(upsert.error());
    upsert->bindText(1, domain);
    upsert->bindText(2, username);
    upsert->bindText(3, presence.stanza);
    upsert->bindInt64(4, presence.at);
    return upsert->run();
  });
}

Result<std::optional<LastPresence>> SqliteRosterStore::lastPresence(const std::string& username,
                                                                    const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::optional<LastPresence>> {
    auto select =
        database.prepare("SELECT stanza, at FROM last_presences WHERE domain = ? AND username = ?");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    auto row = select->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<LastPresence>();
    return std::optional<LastPresence>(LastPresence{select->columnText(0), select->columnInt64(1)});
  });
}

}  // namespace kontalk::storage::sqlite
