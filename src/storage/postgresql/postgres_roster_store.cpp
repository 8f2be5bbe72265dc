#include "storage/postgresql/postgres_roster_store.hpp"

#include <unordered_map>
#include <utility>

#include "storage/postgresql/array_literal.hpp"

namespace kontalk::storage::postgresql {
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

// Every roster table is keyed by (domain, username[, contact]), and every statement here names
// that key first, as $1, $2[, $3].
Parameters accountKey(const std::string& username, const std::string& domain) {
  Parameters parameters;
  parameters.text(domain).text(username);
  return parameters;
}

Parameters contactKey(const std::string& username, const std::string& domain,
                      const std::string& contact) {
  Parameters parameters = accountKey(username, domain);
  parameters.text(contact);
  return parameters;
}

// The item columns in the order readItem expects them.
constexpr std::string_view kItemColumns = "contact, name, subscription, ask, approved";

RosterItem readItem(const Rows& rows, int row) {
  RosterItem item;
  item.contact = rows.text(row, 0);
  item.name = rows.text(row, 1);
  readSubscription(rows.text(row, 2), item);
  item.askSubscribe = rows.int64(row, 3) != 0;
  item.approved = rows.int64(row, 4) != 0;
  return item;
}

// Fills in the groups of `items` from rows (contact, name) in group order: one query for the
// whole roster rather than one per item.
void readGroups(const Rows& rows, std::vector<RosterItem>& items) {
  std::unordered_map<std::string_view, RosterItem*> byContact;
  for (RosterItem& each : items) byContact.emplace(each.contact, &each);
  for (int row = 0; row < rows.count(); ++row) {
    if (const auto found = byContact.find(rows.text(row, 0)); found != byContact.end()) {
      found->second->groups.push_back(rows.text(row, 1));
    }
  }
}

// The first column of the first row, or 0 when there is none.
Result<std::int64_t> int64OrZero(Result<Rows> rows) {
  if (!rows) return tl::unexpected(rows.error());
  return rows->count() == 0 ? 0 : rows->int64(0, 0);
}

// Increments the account's roster version (creating it at 1) and commits; returns the new
// version. Runs inside the transaction that made the change, so that a version always names
// one roster content.
Result<std::int64_t> commitNewVersion(Connection& connection, Transaction& transaction,
                                      const std::string& username, const std::string& domain) {
  auto version = connection.query(
      "INSERT INTO roster_versions (domain, username, version) VALUES ($1, $2, 1) "
      "ON CONFLICT (domain, username) DO UPDATE SET version = roster_versions.version + 1 "
      "RETURNING version",
      accountKey(username, domain));
  if (!version) return tl::unexpected(version.error());
  if (version->count() != 1) {
    return failure(StatusCode::Internal, "roster: version upsert returned no row");
  }
  if (auto committed = transaction.commit(); !committed) return tl::unexpected(committed.error());
  return version->int64(0, 0);
}

}  // namespace

Result<std::vector<RosterItem>> PostgresRosterStore::items(const std::string& username,
                                                           const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<RosterItem>> {
    static const std::string select = "SELECT " + std::string(kItemColumns) +
                                      " FROM roster_items WHERE domain = $1 AND username = $2 "
                                      "ORDER BY contact COLLATE \"C\"";
    auto rows = connection.query(select, accountKey(username, domain));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<RosterItem> items;
    items.reserve(static_cast<std::size_t>(rows->count()));
    for (int row = 0; row < rows->count(); ++row) items.push_back(readItem(*rows, row));
    if (items.empty()) return items;
    auto groups = connection.query(
        "SELECT contact, name FROM roster_groups WHERE domain = $1 AND username = $2 "
        "ORDER BY position",
        accountKey(username, domain));
    if (!groups) return tl::unexpected(groups.error());
    readGroups(*groups, items);
    return items;
  });
}

Result<std::optional<RosterItem>> PostgresRosterStore::item(const std::string& username,
                                                            const std::string& domain,
                                                            const std::string& contact) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<RosterItem>> {
    static const std::string select = "SELECT " + std::string(kItemColumns) +
                                      " FROM roster_items WHERE domain = $1 AND username = $2 "
                                      "AND contact = $3";
    auto rows = connection.query(select, contactKey(username, domain, contact));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::nullopt;
    std::vector<RosterItem> found{readItem(*rows, 0)};
    auto groups = connection.query(
        "SELECT contact, name FROM roster_groups WHERE domain = $1 AND username = $2 "
        "AND contact = $3 ORDER BY position",
        contactKey(username, domain, contact));
    if (!groups) return tl::unexpected(groups.error());
    readGroups(*groups, found);
    return std::move(found.front());
  });
}

Result<std::int64_t> PostgresRosterStore::itemCount(const std::string& username,
                                                    const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) {
    return int64OrZero(
        connection.query("SELECT COUNT(*) FROM roster_items WHERE domain = $1 AND username = $2",
                         accountKey(username, domain)));
  });
}

Result<std::int64_t> PostgresRosterStore::putItem(const std::string& username,
                                                  const std::string& domain,
                                                  const RosterItem& item) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::int64_t> {
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    // An upsert, not delete-and-insert: deleting the item would cascade to its groups.
    Parameters upsert = contactKey(username, domain, item.contact);
    upsert.text(item.name)
        .text(subscriptionName(item))
        .int64(item.askSubscribe ? 1 : 0)
        .int64(item.approved ? 1 : 0);
    if (auto done = connection.query(
            "INSERT INTO roster_items (domain, username, contact, name, subscription, ask, "
            "approved) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (domain, username, contact) "
            "DO UPDATE SET name = excluded.name, subscription = excluded.subscription, "
            "ask = excluded.ask, approved = excluded.approved",
            upsert);
        !done) {
      return tl::unexpected(done.error());
    }
    if (auto cleared = connection.query(
            "DELETE FROM roster_groups WHERE domain = $1 AND username = $2 AND contact = $3",
            contactKey(username, domain, item.contact));
        !cleared) {
      return tl::unexpected(cleared.error());
    }
    if (!item.groups.empty()) {
      // All groups in one statement; positions from 0 in the client's order.
      Parameters groups = contactKey(username, domain, item.contact);
      groups.text(textArrayLiteral(item.groups));
      if (auto inserted = connection.query(
              "INSERT INTO roster_groups (domain, username, contact, position, name) "
              "SELECT $1, $2, $3, ordinality - 1, name "
              "FROM unnest($4::text[]) WITH ORDINALITY AS groups (name, ordinality)",
              groups);
          !inserted) {
        return tl::unexpected(inserted.error());
      }
    }
    return commitNewVersion(connection, *transaction, username, domain);
  });
}

Result<std::int64_t> PostgresRosterStore::removeItem(const std::string& username,
                                                     const std::string& domain,
                                                     const std::string& contact) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::int64_t> {
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    // The groups go with the item through ON DELETE CASCADE.
    auto removed = connection.query(
        "DELETE FROM roster_items WHERE domain = $1 AND username = $2 AND contact = $3",
        contactKey(username, domain, contact));
    if (!removed) return tl::unexpected(removed.error());
    if (removed->affected() == 0)
      return failure(StatusCode::NotFound, "roster: no item " + contact);
    return commitNewVersion(connection, *transaction, username, domain);
  });
}

Result<std::int64_t> PostgresRosterStore::version(const std::string& username,
                                                  const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) {
    // No row: the roster was never changed.
    return int64OrZero(
        connection.query("SELECT version FROM roster_versions WHERE domain = $1 AND username = $2",
                         accountKey(username, domain)));
  });
}

Result<void> PostgresRosterStore::putPendingSubscription(const std::string& username,
                                                         const std::string& domain,
                                                         const PendingSubscription& request) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    Parameters parameters = contactKey(username, domain, request.contact);
    parameters.text(request.stanza).int64(request.receivedAt);
    auto done = connection.query(
        "INSERT INTO roster_pending_subscriptions (domain, username, contact, stanza, "
        "received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (domain, username, contact) "
        "DO UPDATE SET stanza = excluded.stanza, received_at = excluded.received_at",
        parameters);
    if (!done) return tl::unexpected(done.error());
    return {};
  });
}

Result<bool> PostgresRosterStore::removePendingSubscription(const std::string& username,
                                                            const std::string& domain,
                                                            const std::string& contact) {
  return pool_.withConnection([&](Connection& connection) -> Result<bool> {
    auto removed = connection.query(
        "DELETE FROM roster_pending_subscriptions WHERE domain = $1 AND username = $2 "
        "AND contact = $3",
        contactKey(username, domain, contact));
    if (!removed) return tl::unexpected(removed.error());
    return removed->affected() != 0;
  });
}

Result<std::optional<PendingSubscription>> PostgresRosterStore::pendingSubscription(
    const std::string& username, const std::string& domain, const std::string& contact) {
  return pool_.withConnection(
      [&](Connection& connection) -> Result<std::optional<PendingSubscription>> {
        auto rows = connection.query(
            "SELECT stanza, received_at FROM roster_pending_subscriptions "
            "WHERE domain = $1 AND username = $2 AND contact = $3",
            contactKey(username, domain, contact));
        if (!rows) return tl::unexpected(rows.error());
        if (rows->count() == 0) return std::nullopt;
        return PendingSubscription{contact, rows->text(0, 0), rows->int64(0, 1)};
      });
}

Result<std::vector<PendingSubscription>> PostgresRosterStore::pendingSubscriptions(
    const std::string& username, const std::string& domain) {
  return pool_.withConnection(
      [&](Connection& connection) -> Result<std::vector<PendingSubscription>> {
        auto rows = connection.query(
            "SELECT contact, stanza, received_at FROM roster_pending_subscriptions "
            "WHERE domain = $1 AND username = $2 ORDER BY received_at, contact COLLATE \"C\"",
            accountKey(username, domain));
        if (!rows) return tl::unexpected(rows.error());
        std::vector<PendingSubscription> requests;
        for (int row = 0; row < rows->count(); ++row) {
          requests.push_back(
              PendingSubscription{rows->text(row, 0), rows->text(row, 1), rows->int64(row, 2)});
        }
        return requests;
      });
}

Result<void> PostgresRosterStore::setLastPresence(const std::string& username,
                                                  const std::string& domain,
                                                  const LastPresence& presence) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    Parameters parameters = accountKey(username, domain);
    parameters.text(presence.stanza).int64(presence.at);
    auto done = connection.query(
        "INSERT INTO last_presences (domain, username, stanza, at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (domain, username) DO UPDATE SET stanza = excluded.stanza, at = excluded.at",
        parameters);
    if (!done) return tl::unexpected(done.error());
    return {};
  });
}

Result<std::optional<LastPresence>> PostgresRosterStore::lastPresence(const std::string& username,
                                                                      const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::optional<LastPresence>> {
    auto rows = connection.query(
        "SELECT stanza, at FROM last_presences WHERE domain = $1 AND username = $2",
        accountKey(username, domain));
    if (!rows) return tl::unexpected(rows.error());
    if (rows->count() == 0) return std::nullopt;
    return LastPresence{rows->text(0, 0), rows->int64(0, 1)};
  });
}

}  // namespace kontalk::storage::postgresql
