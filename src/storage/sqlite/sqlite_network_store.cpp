#include "storage/sqlite/sqlite_network_store.hpp"

namespace kontalk::storage::sqlite {

Result<std::vector<NetworkServerRow>> SqliteNetworkStore::all() {
  return database_.withDatabase([&](Database& database) -> Result<std::vector<NetworkServerRow>> {
    auto select = database.prepare(
        "SELECT domain, fingerprint, enabled, removed FROM network_servers ORDER BY position");
    if (!select) return tl::unexpected(select.error());
    std::vector<NetworkServerRow> rows;
    for (;;) {
      auto row = select->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) return rows;
      NetworkServerRow server;
      server.domain = select->columnText(0);
      if (auto fingerprint = select->columnText(1); !fingerprint.empty()) {
        server.fingerprint = std::move(fingerprint);
      }
      server.enabled = select->columnInt64(2) != 0;
      server.removed = select->columnInt64(3) != 0;
      rows.push_back(std::move(server));
    }
  });
}

Result<void> SqliteNetworkStore::upsert(const std::string& domain, const std::string& fingerprint,
                                        bool enabled, bool removed, const char* update) {
  return database_.withDatabase([&](Database& database) -> Result<void> {
    auto statement = database.prepare(
        std::string("INSERT INTO network_servers (domain, fingerprint, enabled, removed, position) "
                    "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM "
                    "network_servers)) ON CONFLICT (domain) DO UPDATE SET ") +
        update);
    if (!statement) return tl::unexpected(statement.error());
    statement->bindText(1, domain);
    statement->bindText(2, fingerprint);
    statement->bindInt64(3, enabled ? 1 : 0);
    statement->bindInt64(4, removed ? 1 : 0);
    return statement->run();
  });
}

Result<void> SqliteNetworkStore::add(const std::string& domain, const std::string& fingerprint) {
  return upsert(domain, fingerprint, true, false,
                "fingerprint = excluded.fingerprint, enabled = 1, removed = 0");
}

Result<void> SqliteNetworkStore::remove(const std::string& domain) {
  return upsert(domain, "", false, true, "removed = 1");
}

Result<void> SqliteNetworkStore::setEnabled(const std::string& domain, bool enabled) {
  return upsert(domain, "", enabled, false, "enabled = excluded.enabled");
}

}  // namespace kontalk::storage::sqlite
