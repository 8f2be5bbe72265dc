#include "storage/postgresql/postgres_pep_store.hpp"

#include "base/unix_time.hpp"
#include "storage/postgresql/account_rows.hpp"

namespace kontalk::storage::postgresql {
namespace {

// Every statement here starts with the node's key: domain, username, node as $1, $2, $3.
Parameters nodeKey(const std::string& username, const std::string& domain,
                   const std::string& node) {
  Parameters parameters;
  parameters.text(domain).text(username).text(node);
  return parameters;
}

Result<std::optional<PepNodeConfig>> readNode(Connection& connection, const std::string& username,
                                              const std::string& domain, const std::string& node) {
  auto rows = connection.query(
      "SELECT access_model, max_items, persist_items FROM pep_nodes "
      "WHERE domain = $1 AND username = $2 AND node = $3",
      nodeKey(username, domain, node));
  if (!rows) return tl::unexpected(rows.error());
  if (rows->count() == 0) return std::optional<PepNodeConfig>();
  return std::optional<PepNodeConfig>(
      PepNodeConfig{rows->text(0, 0), rows->int64(0, 1), rows->int64(0, 2) != 0});
}

// Locks the account row until the transaction ends, so that two requests of one account cannot
// both pass the node limit (READ COMMITTED: later statements see what the other committed).
Result<void> lockAccount(Connection& connection, const std::string& username,
                         const std::string& domain) {
  auto locked = connection.query(
      "SELECT 1 FROM accounts WHERE domain = $1 AND username = $2 FOR NO KEY UPDATE",
      Parameters().text(domain).text(username));
  if (!locked) return tl::unexpected(locked.error());
  if (locked->count() == 0) return noAccount(username, domain);
  return {};
}

// Creates the node unless the account already has `maxNodes`: false then.
Result<bool> createNode(Connection& connection, const std::string& username,
                        const std::string& domain, const std::string& node,
                        const PepNodeConfig& config, std::size_t maxNodes) {
  auto created = connection.query(
      "INSERT INTO pep_nodes (domain, username, node, access_model, max_items, persist_items, "
      "created_at) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE (SELECT COUNT(*) FROM pep_nodes "
      "WHERE domain = $1 AND username = $2) < $8",
      nodeKey(username, domain, node)
          .text(config.accessModel)
          .int64(config.maxItems)
          .int64(config.persistItems ? 1 : 0)
          .int64(base::unixNow())
          .int64(static_cast<std::int64_t>(maxNodes)));
  if (!created) return tl::unexpected(created.error());
  return created->affected() > 0;
}

// Keeps the node's newest `keep` items.
Result<void> trimItems(Connection& connection, const std::string& username,
                       const std::string& domain, const std::string& node, std::int64_t keep) {
  auto trimmed = connection.query(
      "DELETE FROM pep_items WHERE domain = $1 AND username = $2 AND node = $3 AND seq NOT IN "
      "(SELECT seq FROM pep_items WHERE domain = $1 AND username = $2 AND node = $3 "
      "ORDER BY seq DESC LIMIT $4)",
      nodeKey(username, domain, node).int64(keep));
  if (!trimmed) return tl::unexpected(trimmed.error());
  return {};
}

}  // namespace

Result<std::optional<PepNodeConfig>> PostgresPepStore::findNode(const std::string& username,
                                                                const std::string& domain,
                                                                const std::string& node) {
  return pool_.withConnection(
      [&](Connection& connection) { return readNode(connection, username, domain, node); });
}

Result<std::vector<std::string>> PostgresPepStore::nodes(const std::string& username,
                                                         const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<std::string>> {
    auto rows = connection.query(
        "SELECT node FROM pep_nodes WHERE domain = $1 AND username = $2 ORDER BY node",
        Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<std::string> names;
    for (int row = 0; row < rows->count(); ++row) names.push_back(rows->text(row, 0));
    return names;
  });
}

Result<PepWrite> PostgresPepStore::configureNode(const std::string& username,
                                                 const std::string& domain, const std::string& node,
                                                 const PepNodeConfig& config,
                                                 std::size_t maxNodes) {
  return pool_.withConnection([&](Connection& connection) -> Result<PepWrite> {
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto locked = lockAccount(connection, username, domain); !locked) {
      return tl::unexpected(locked.error());
    }
    auto updated = connection.query(
        "UPDATE pep_nodes SET access_model = $4, max_items = $5, persist_items = $6 "
        "WHERE domain = $1 AND username = $2 AND node = $3",
        nodeKey(username, domain, node)
            .text(config.accessModel)
            .int64(config.maxItems)
            .int64(config.persistItems ? 1 : 0));
    if (!updated) return tl::unexpected(updated.error());
    if (updated->affected() == 0) {
      auto created = createNode(connection, username, domain, node, config, maxNodes);
      if (!created) return tl::unexpected(created.error());
      if (!*created) return PepWrite::TooManyNodes;
    }
    auto trimmed =
        trimItems(connection, username, domain, node, config.persistItems ? config.maxItems : 0);
    if (!trimmed) return tl::unexpected(trimmed.error());
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return PepWrite::Stored;
  });
}

Result<PepPublished> PostgresPepStore::publish(const std::string& username,
                                               const std::string& domain, const std::string& node,
                                               const PepNodeConfig& createWith, const PepItem& item,
                                               std::size_t maxNodes) {
  return pool_.withConnection([&](Connection& connection) -> Result<PepPublished> {
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto locked = lockAccount(connection, username, domain); !locked) {
      return tl::unexpected(locked.error());
    }
    auto existing = readNode(connection, username, domain, node);
    if (!existing) return tl::unexpected(existing.error());
    PepPublished published{PepWrite::Stored, existing->value_or(createWith)};
    if (!*existing) {
      auto created = createNode(connection, username, domain, node, createWith, maxNodes);
      if (!created) return tl::unexpected(created.error());
      if (!*created) return PepPublished{PepWrite::TooManyNodes, createWith};
    }
    if (published.config.persistItems) {
      auto stored = connection.query(
          "INSERT INTO pep_items (domain, username, node, item_id, seq, payload, published_at) "
          "VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pep_items WHERE "
          "domain = $1 AND username = $2 AND node = $3), $5, $6) "
          "ON CONFLICT (domain, username, node, item_id) DO UPDATE SET seq = excluded.seq, "
          "payload = excluded.payload, published_at = excluded.published_at",
          nodeKey(username, domain, node).text(item.id).text(item.payload).int64(base::unixNow()));
      if (!stored) return tl::unexpected(stored.error());
      auto trimmed = trimItems(connection, username, domain, node, published.config.maxItems);
      if (!trimmed) return tl::unexpected(trimmed.error());
    }
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return published;
  });
}

Result<bool> PostgresPepStore::retract(const std::string& username, const std::string& domain,
                                       const std::string& node, const std::string& itemId) {
  return pool_.withConnection([&](Connection& connection) -> Result<bool> {
    auto removed = connection.query(
        "DELETE FROM pep_items WHERE domain = $1 AND username = $2 AND node = $3 AND "
        "item_id = $4",
        nodeKey(username, domain, node).text(itemId));
    if (!removed) return tl::unexpected(removed.error());
    return removed->affected() > 0;
  });
}

Result<bool> PostgresPepStore::deleteNode(const std::string& username, const std::string& domain,
                                          const std::string& node) {
  return pool_.withConnection([&](Connection& connection) -> Result<bool> {
    auto removed =
        connection.query("DELETE FROM pep_nodes WHERE domain = $1 AND username = $2 AND node = $3",
                         nodeKey(username, domain, node));
    if (!removed) return tl::unexpected(removed.error());
    return removed->affected() > 0;
  });
}

Result<std::vector<PepItem>> PostgresPepStore::items(const std::string& username,
                                                     const std::string& domain,
                                                     const std::string& node, std::size_t max) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<PepItem>> {
    auto rows = connection.query(
        "SELECT item_id, payload FROM pep_items WHERE domain = $1 AND username = $2 AND "
        "node = $3 ORDER BY seq DESC LIMIT $4",
        nodeKey(username, domain, node).int64(static_cast<std::int64_t>(max)));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<PepItem> found;
    for (int row = 0; row < rows->count(); ++row) {
      found.push_back({rows->text(row, 0), rows->text(row, 1)});
    }
    return found;
  });
}

}  // namespace kontalk::storage::postgresql
