#include "storage/postgresql/postgres_network_store.hpp"

namespace kontalk::storage::postgresql {

Result<std::vector<NetworkServerRow>> PostgresNetworkStore::all() {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<NetworkServerRow>> {
    // Two servers adding a domain at the same moment may give both the same position; the
    // domain then decides, so that the order is the same at every read.
    auto rows = connection.query(
        "SELECT domain, fingerprint, enabled, removed FROM network_servers "
        "ORDER BY position, domain COLLATE \"C\"");
    if (!rows) return tl::unexpected(rows.error());
    std::vector<NetworkServerRow> servers;
    for (int row = 0; row < rows->count(); ++row) {
      NetworkServerRow server;
      server.domain = rows->text(row, 0);
      if (auto fingerprint = rows->text(row, 1); !fingerprint.empty()) {
        server.fingerprint = std::move(fingerprint);
      }
      server.enabled = rows->int64(row, 2) != 0;
      server.removed = rows->int64(row, 3) != 0;
      servers.push_back(std::move(server));
    }
    return servers;
  });
}

Result<void> PostgresNetworkStore::upsert(const std::string& domain, const std::string& fingerprint,
                                          bool enabled, bool removed, std::string_view update) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    auto done = connection.query(
        "INSERT INTO network_servers (domain, fingerprint, enabled, removed, position) "
        "VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM network_servers)) "
        "ON CONFLICT (domain) DO UPDATE SET " +
            std::string(update),
        Parameters().text(domain).text(fingerprint).int64(enabled ? 1 : 0).int64(removed ? 1 : 0));
    if (!done) return tl::unexpected(done.error());
    return {};
  });
}

Result<void> PostgresNetworkStore::add(const std::string& domain, const std::string& fingerprint) {
  return upsert(domain, fingerprint, true, false,
                "fingerprint = excluded.fingerprint, enabled = 1, removed = 0");
}

Result<void> PostgresNetworkStore::remove(const std::string& domain) {
  return upsert(domain, "", false, true, "removed = 1");
}

Result<void> PostgresNetworkStore::setEnabled(const std::string& domain, bool enabled) {
  return upsert(domain, "", enabled, false, "enabled = excluded.enabled");
}

}  // namespace kontalk::storage::postgresql
