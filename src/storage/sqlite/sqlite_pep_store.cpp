#include "storage/sqlite/sqlite_pep_store.hpp"

#include "base/unix_time.hpp"
#include "storage/sqlite/account_rows.hpp"

namespace kontalk::storage::sqlite {
namespace {

// Every statement here starts with the node's key: domain, username, node as ?1, ?2, ?3.
Result<Statement> prepareForNode(Database& database, std::string_view sql,
                                 const std::string& username, const std::string& domain,
                                 const std::string& node) {
  auto statement = database.prepare(sql);
  if (!statement) return tl::unexpected(statement.error());
  statement->bindText(1, domain);
  statement->bindText(2, username);
  statement->bindText(3, node);
  return statement;
}

Result<std::optional<PepNodeConfig>> readNode(Database& database, const std::string& username,
                                              const std::string& domain, const std::string& node) {
  auto select = prepareForNode(database,
                               "SELECT access_model, max_items, persist_items FROM pep_nodes "
                               "WHERE domain = ?1 AND username = ?2 AND node = ?3",
                               username, domain, node);
  if (!select) return tl::unexpected(select.error());
  auto row = select->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<PepNodeConfig>();
  return std::optional<PepNodeConfig>(
      PepNodeConfig{select->columnText(0), select->columnInt64(1), select->columnInt64(2) != 0});
}

// Creates the node unless the account already has `maxNodes`: false then.
Result<bool> createNode(Database& database, const std::string& username, const std::string& domain,
                        const std::string& node, const PepNodeConfig& config,
                        std::size_t maxNodes) {
  auto count = database.prepare("SELECT COUNT(*) FROM pep_nodes WHERE domain = ? AND username = ?");
  if (!count) return tl::unexpected(count.error());
  count->bindText(1, domain);
  count->bindText(2, username);
  auto row = count->step();
  if (!row) return tl::unexpected(row.error());
  if (static_cast<std::size_t>(count->columnInt64(0)) >= maxNodes) return false;
  auto insert = prepareForNode(database,
                               "INSERT INTO pep_nodes (domain, username, node, access_model, "
                               "max_items, persist_items, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                               "?6, ?7)",
                               username, domain, node);
  if (!insert) return tl::unexpected(insert.error());
  insert->bindText(4, config.accessModel);
  insert->bindInt64(5, config.maxItems);
  insert->bindInt64(6, config.persistItems ? 1 : 0);
  insert->bindInt64(7, base::unixNow());
  if (auto done = insert->run(); !done) return tl::unexpected(done.error());
  return true;
}

// Keeps the node's newest `keep` items.
Result<void> trimItems(Database& database, const std::string& username, const std::string& domain,
                       const std::string& node, std::int64_t keep) {
  auto trim = prepareForNode(database,
                             "DELETE FROM pep_items WHERE domain = ?1 AND username = ?2 AND "
                             "node = ?3 AND seq NOT IN (SELECT seq FROM pep_items WHERE domain = "
                             "?1 AND username = ?2 AND node = ?3 ORDER BY seq DESC LIMIT ?4)",
                             username, domain, node);
  if (!trim) return tl::unexpected(trim.error());
  trim->bindInt64(4, keep);
  return trim->run();
}

}  // namespace

Result<std::optional<PepNodeConfig>> SqlitePepStore::findNode(const std::string& username,
                                                              const std::string& domain,
                                                              const std::string& node) {
  return database_.withDatabase(
      [&](Database& database) { return readNode(database, username, domain, node); });
}

Result<std::vector<std::string>> SqlitePepStore::nodes(const std::string& username,
                                                       const std::string& domain) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<std::string>> {
    auto select = database.prepare(
        "SELECT node FROM pep_nodes WHERE domain = ? AND username = ? ORDER BY node");
    if (!select) return tl::unexpected(select.error());
    select->bindText(1, domain);
    select->bindText(2, username);
    std::vector<std::string> names;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return names;
      names.push_back(select->columnText(0));
    }
  });
}

Result<PepWrite> SqlitePepStore::configureNode(const std::string& username,
                                               const std::string& domain, const std::string& node,
                                               const PepNodeConfig& config, std::size_t maxNodes) {
  return database_.withDatabase([&](Database& database) -> Result<PepWrite> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) {
      return tl::unexpected(exists.error());
    }
    auto update = prepareForNode(database,
                                 "UPDATE pep_nodes SET access_model = ?4, max_items = ?5, "
                                 "persist_items = ?6 WHERE domain = ?1 AND username = ?2 AND "
                                 "node = ?3",
                                 username, domain, node);
    if (!update) return tl::unexpected(update.error());
    update->bindText(4, config.accessModel);
    update->bindInt64(5, config.maxItems);
    update->bindInt64(6, config.persistItems ? 1 : 0);
    if (auto done = update->run(); !done) return tl::unexpected(done.error());
    if (database.changes() == 0) {
      auto created = createNode(database, username, domain, node, config, maxNodes);
      if (!created) return tl::unexpected(created.error());
      if (!*created) return PepWrite::TooManyNodes;
    }
    auto trimmed =
        trimItems(database, username, domain, node, config.persistItems ? config.maxItems : 0);
    if (!trimmed) return tl::unexpected(trimmed.error());
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return PepWrite::Stored;
  });
}

Result<PepPublished> SqlitePepStore::publish(const std::string& username, const std::string& domain,
                                             const std::string& node,
                                             const PepNodeConfig& createWith, const PepItem& item,
                                             std::size_t maxNodes) {
  return database_.withDatabase([&](Database& database) -> Result<PepPublished> {
    auto transaction = Transaction::begin(database);
    if (!transaction) return tl::unexpected(transaction.error());
    if (auto exists = requireAccount(database, username, domain); !exists) {
      return tl::unexpected(exists.error());
    }
    auto existing = readNode(database, username, domain, node);
    if (!existing) return tl::unexpected(existing.error());
    PepPublished published{PepWrite::Stored, existing->value_or(createWith)};
    if (!*existing) {
      auto created = createNode(database, username, domain, node, createWith, maxNodes);
      if (!created) return tl::unexpected(created.error());
      if (!*created) return PepPublished{PepWrite::TooManyNodes, createWith};
    }
    if (published.config.persistItems) {
      auto upsert = prepareForNode(
          database,
          "INSERT INTO pep_items (domain, username, node, item_id, seq, payload, published_at) "
          "VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pep_items WHERE "
          "domain = ?1 AND username = ?2 AND node = ?3), ?5, ?6) "
          "ON CONFLICT (domain, username, node, item_id) DO UPDATE SET seq = excluded.seq, "
          "payload = excluded.payload, published_at = excluded.published_at",
          username, domain, node);
      if (!upsert) return tl::unexpected(upsert.error());
      upsert->bindText(4, item.id);
      upsert->bindText(5, item.payload);
      upsert->bindInt64(6, base::unixNow());
      if (auto done = upsert->run(); !done) return tl::unexpected(done.error());
      auto trimmed = trimItems(database, username, domain, node, published.config.maxItems);
      if (!trimmed) return tl::unexpected(trimmed.error());
    }
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return published;
  });
}

Result<bool> SqlitePepStore::retract(const std::string& username, const std::string& domain,
                                     const std::string& node, const std::string& itemId) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto erase = prepareForNode(database,
                                "DELETE FROM pep_items WHERE domain = ?1 AND username = ?2 AND "
                                "node = ?3 AND item_id = ?4",
                                username, domain, node);
    if (!erase) return tl::unexpected(erase.error());
    erase->bindText(4, itemId);
    if (auto done = erase->run(); !done) return tl::unexpected(done.error());
    return database.changes() > 0;
  });
}

Result<bool> SqlitePepStore::deleteNode(const std::string& username, const std::string& domain,
                                        const std::string& node) {
  return database_.withDatabase([&](Database& database) -> Result<bool> {
    auto erase = prepareForNode(
        database, "DELETE FROM pep_nodes WHERE domain = ?1 AND username = ?2 AND node = ?3",
        username, domain, node);
    if (!erase) return tl::unexpected(erase.error());
    if (auto done = erase->run(); !done) return tl::unexpected(done.error());
    return database.changes() > 0;
  });
}

Result<std::vector<PepItem>> SqlitePepStore::items(const std::string& username,
                                                   const std::string& domain,
                                                   const std::string& node, std::size_t max) {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<PepItem>> {
    auto select = prepareForNode(database,
                                 "SELECT item_id, payload FROM pep_items WHERE domain = ?1 AND "
                                 "username = ?2 AND node = ?3 ORDER BY seq DESC LIMIT ?4",
                                 username, domain, node);
    if (!select) return tl::unexpected(select.error());
    select->bindInt64(4, static_cast<std::int64_t>(max));
    std::vector<PepItem> found;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return found;
      found.push_back({select->columnText(0), select->columnText(1)});
    }
  });
}

}  // namespace kontalk::storage::sqlite
