#include "storage/postgresql/postgres_blocking_store.hpp"

#include "storage/postgresql/account_rows.hpp"
#include "storage/postgresql/array_literal.hpp"

namespace kontalk::storage::postgresql {
namespace {

Result<void> done(const Result<Rows>& rows) {
  if (!rows) return tl::unexpected(rows.error());
  return {};
}

}  // namespace

Result<std::vector<std::string>> PostgresBlockingStore::blocked(const std::string& username,
                                                                const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<std::string>> {
    auto rows = connection.query(
        "SELECT jid FROM blocked_jids WHERE domain = $1 AND username = $2 "
        "ORDER BY jid COLLATE \"C\"",
        Parameters().text(domain).text(username));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<std::string> jids;
    jids.reserve(static_cast<std::size_t>(rows->count()));
    for (int row = 0; row < rows->count(); ++row) jids.push_back(rows->text(row, 0));
    return jids;
  });
}

Result<std::vector<BlockEntry>> PostgresBlockingStore::all(const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<BlockEntry>> {
    auto rows = connection.query(
        "SELECT username, jid FROM blocked_jids WHERE domain = $1 "
        "ORDER BY username COLLATE \"C\", jid COLLATE \"C\"",
        Parameters().text(domain));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<BlockEntry> entries;
    entries.reserve(static_cast<std::size_t>(rows->count()));
    for (int row = 0; row < rows->count(); ++row) {
      entries.push_back(BlockEntry{rows->text(row, 0), domain, rows->text(row, 1)});
    }
    return entries;
  });
}

Result<void> PostgresBlockingStore::block(const std::string& username, const std::string& domain,
                                          const std::vector<std::string>& jids) {
  return pool_.withConnection([&](Connection& connection) -> Result<void> {
    // An empty list stores nothing, but an unknown account is still NotFound.
    if (jids.empty()) return requireAccount(connection, username, domain);
    // One statement, so one transaction: the foreign key refuses an unknown account and then
    // nothing is stored.
    return writtenForAccount(
        connection.query("INSERT INTO blocked_jids (domain, username, jid) "
                         "SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING",
                         Parameters().text(domain).text(username).text(textArrayLiteral(jids))),
        username, domain);
  });
}

Result<void> PostgresBlockingStore::unblock(const std::string& username, const std::string& domain,
                                            const std::vector<std::string>& jids) {
  if (jids.empty()) return {};
  return pool_.withConnection([&](Connection& connection) {
    return done(connection.query(
        "DELETE FROM blocked_jids WHERE domain = $1 AND username = $2 AND jid = ANY($3::text[])",
        Parameters().text(domain).text(username).text(textArrayLiteral(jids))));
  });
}

Result<void> PostgresBlockingStore::unblockAll(const std::string& username,
                                               const std::string& domain) {
  return pool_.withConnection([&](Connection& connection) {
    return done(connection.query("DELETE FROM blocked_jids WHERE domain = $1 AND username = $2",
                                 Parameters().text(domain).text(username)));
  });
}

}  // namespace kontalk::storage::postgresql
