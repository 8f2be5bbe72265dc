#include "storage/postgresql/postgres_offline_store.hpp"

#include <algorithm>
#include <optional>

#include "storage/postgresql/array_literal.hpp"

namespace kontalk::storage::postgresql {
namespace {

// One local append in one statement: its outcome (the account, then the whole quota, then the
// sender's share, as on SQLite), and the insert when the outcome is 0. Each statement of the
// transaction sees the rows of the earlier ones, so a quota counts the earlier appends of the
// batch. Only unexpired messages count: expired ones are as good as gone. A count runs only when
// its quota is set (a CASE branch's subquery runs only when the branch is reached). FOR KEY
// SHARE keeps the account from being removed until the commit, so that the foreign key cannot
// fail after the check passed.
constexpr std::string_view kAppendLocal = R"sql(
WITH account AS (
  SELECT 1 FROM accounts WHERE domain = $2 AND username = $3 FOR KEY SHARE
), verdict AS (
  SELECT CASE
    WHEN NOT EXISTS (SELECT 1 FROM account) THEN 3
    WHEN $8 > 0 AND (SELECT COUNT(*) FROM offline_messages
                     WHERE domain = $2 AND username = $3 AND expires_at > $6) >= $8 THEN 1
    WHEN $9 > 0 AND (SELECT COUNT(*) FROM offline_messages
                     WHERE domain = $2 AND username = $3 AND sender = $4
                       AND expires_at > $6) >= $9 THEN 2
    ELSE 0 END AS outcome
), stored AS (
  INSERT INTO offline_messages (id, domain, username, sender, stanza, stored_at, expires_at)
  SELECT $1, $2, $3, $4, $5, $6, $7 FROM verdict WHERE outcome = 0
)
SELECT outcome FROM verdict)sql";

// kAppendLocal's outcomes, by number.
constexpr AppendOutcome kOutcomes[] = {AppendOutcome::Stored, AppendOutcome::QuotaExceeded,
                                       AppendOutcome::SenderQuotaExceeded,
                                       AppendOutcome::NoSuchAccount};

constexpr std::string_view kAppendRemote =
    "INSERT INTO remote_messages (id, domain, username, sender, stanza, stored_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";

// The sequence of offline_messages.id, moved up to $1 (never down): the durable high-water mark
// highestId() reads. setval is not undone by a rollback, which only makes the mark higher than
// needed: new ids start above it all the same.
constexpr std::string_view kRememberHighestId = R"sql(
SELECT setval(sequence, $1) FROM (
  SELECT pg_get_serial_sequence('offline_messages', 'id')::regclass AS sequence
) AS offline_ids
WHERE $1 > COALESCE(pg_sequence_last_value(sequence), 0))sql";

// An id is in one of the two tables; one statement removes the batch's ids from both.
constexpr std::string_view kRemove = R"sql(
WITH local AS (DELETE FROM offline_messages WHERE id = ANY($1::bigint[]))
DELETE FROM remote_messages WHERE id = ANY($1::bigint[]))sql";

Parameters appendParameters(const JournalAppend& append) {
  Parameters parameters;
  parameters.int64(append.message.id)
      .text(append.domain)
      .text(append.username)
      .text(append.sender)
      .bytea(append.message.stanza)
      .int64(append.message.storedAt)
      .int64(append.message.expiresAt);
  return parameters;
}

Result<AppendOutcome> appendOne(Connection& connection, const JournalAppend& append) {
  Parameters parameters = appendParameters(append);
  if (append.remote) {
    auto inserted = connection.query(kAppendRemote, parameters);
    if (!inserted) return tl::unexpected(inserted.error());
    return AppendOutcome::Stored;
  }
  parameters.int64(static_cast<std::int64_t>(append.maxMessages))
      .int64(static_cast<std::int64_t>(append.maxFromSender));
  auto verdict = connection.query(kAppendLocal, parameters);
  if (!verdict) return tl::unexpected(verdict.error());
  const std::int64_t outcome = verdict->count() == 1 ? verdict->int64(0, 0) : -1;
  if (outcome < 0 || outcome >= static_cast<std::int64_t>(std::size(kOutcomes))) {
    return failure(StatusCode::Internal, "offline: unexpected append verdict");
  }
  return kOutcomes[outcome];
}

// The columns of a message row, in the order readMessages expects them.
constexpr std::string_view kMessageColumns = "id, stanza, stored_at, expires_at";

// A window of messages (spec: PendingLimit): `source` names the table and the conditions and
// takes its message limit as parameter $<limit>; parameter $<limit + 1> is the byte limit. A
// message is in the window while the stanzas before it come to less than the byte limit, so the
// one that crosses it is included; the running sum is computed in the server, so that no row
// beyond the window is sent.
std::string windowSql(std::string_view source, int limit) {
  const std::string messages = "$" + std::to_string(limit);
  const std::string bytes = "$" + std::to_string(limit + 1);
  const std::string columns(kMessageColumns);
  return "SELECT " + columns + " FROM (SELECT " + columns +
         ", SUM(octet_length(stanza)) OVER (ORDER BY id) - octet_length(stanza) AS before FROM " +
         std::string(source) + " ORDER BY id LIMIT " + messages + ") AS candidates WHERE " + bytes +
         " = 0 OR before < " + bytes + " ORDER BY id";
}

std::vector<OfflineMessage> readMessages(const Rows& rows) {
  std::vector<OfflineMessage> messages;
  messages.reserve(static_cast<std::size_t>(rows.count()));
  for (int row = 0; row < rows.count(); ++row) {
    messages.push_back(OfflineMessage{rows.int64(row, 0), rows.bytea(row, 1), rows.int64(row, 2),
                                      rows.int64(row, 3)});
  }
  return messages;
}

Result<std::vector<OfflineMessage>> queryMessages(ConnectionPool& pool, std::string_view sql,
                                                  const Parameters& parameters) {
  return pool.withConnection([&](Connection& connection) -> Result<std::vector<OfflineMessage>> {
    auto rows = connection.query(sql, parameters);
    if (!rows) return tl::unexpected(rows.error());
    return readMessages(*rows);
  });
}

Result<std::int64_t> queryCount(ConnectionPool& pool, std::string_view sql,
                                const Parameters& parameters, bool affected) {
  return pool.withConnection([&](Connection& connection) -> Result<std::int64_t> {
    auto rows = connection.query(sql, parameters);
    if (!rows) return tl::unexpected(rows.error());
    return affected ? rows->affected() : rows->int64(0, 0);
  });
}

}  // namespace

Result<std::vector<AppendOutcome>> PostgresOfflineStore::commit(
    const std::vector<JournalAppend>& appends, const std::vector<std::int64_t>& removals) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<AppendOutcome>> {
    auto transaction = Transaction::begin(connection);
    if (!transaction) return tl::unexpected(transaction.error());
    std::vector<AppendOutcome> outcomes;
    outcomes.reserve(appends.size());
    std::int64_t highestStored = 0;
    for (const auto& append : appends) {
      auto outcome = appendOne(connection, append);
      if (!outcome) return tl::unexpected(outcome.error());
      outcomes.push_back(*outcome);
      if (*outcome == AppendOutcome::Stored) {
        highestStored = std::max(highestStored, append.message.id);
      }
    }
    if (highestStored > 0) {
      if (auto remembered = connection.query(kRememberHighestId, Parameters().int64(highestStored));
          !remembered) {
        return tl::unexpected(remembered.error());
      }
    }
    if (!removals.empty()) {
      if (auto removed = connection.query(kRemove, Parameters().text(int64ArrayLiteral(removals)));
          !removed) {
        return tl::unexpected(removed.error());
      }
    }
    if (auto committed = transaction->commit(); !committed) {
      return tl::unexpected(committed.error());
    }
    return outcomes;
  });
}

Result<std::int64_t> PostgresOfflineStore::highestId() {
  return queryCount(pool_, R"sql(
SELECT GREATEST(
  COALESCE(pg_sequence_last_value(pg_get_serial_sequence('offline_messages', 'id')::regclass), 0),
  COALESCE((SELECT MAX(id) FROM offline_messages), 0),
  COALESCE((SELECT MAX(id) FROM remote_messages), 0)))sql",
                    {}, false);
}

Result<StoredCounts> PostgresOfflineStore::countStored() {
  return pool_.withConnection([&](Connection& connection) -> Result<StoredCounts> {
    auto rows = connection.query(
        "SELECT (SELECT COUNT(*) FROM offline_messages), (SELECT COUNT(*) FROM remote_messages)");
    if (!rows) return tl::unexpected(rows.error());
    return StoredCounts{rows->int64(0, 0), rows->int64(0, 1)};
  });
}

Result<std::vector<OfflineMessage>> PostgresOfflineStore::pending(const std::string& username,
                                                                  const std::string& domain,
                                                                  std::int64_t now,
                                                                  std::int64_t afterId,
                                                                  PendingLimit limit) {
  static const std::string sql = windowSql(
      "offline_messages WHERE domain = $1 AND username = $2 AND id > $3 "
      "AND expires_at > $4",
      5);
  return queryMessages(pool_, sql,
                       Parameters()
                           .text(domain)
                           .text(username)
                           .int64(afterId)
                           .int64(now)
                           .int64(static_cast<std::int64_t>(limit.messages))
                           .int64(static_cast<std::int64_t>(limit.bytes)));
}

Result<std::int64_t> PostgresOfflineStore::purgeExpired(std::int64_t now) {
  return queryCount(pool_, "DELETE FROM offline_messages WHERE expires_at <= $1",
                    Parameters().int64(now), true);
}

Result<std::vector<std::string>> PostgresOfflineStore::remoteDomains(std::int64_t now) {
  return pool_.withConnection([&](Connection& connection) -> Result<std::vector<std::string>> {
    auto rows =
        connection.query("SELECT DISTINCT domain FROM remote_messages WHERE expires_at > $1",
                         Parameters().int64(now));
    if (!rows) return tl::unexpected(rows.error());
    std::vector<std::string> domains;
    for (int row = 0; row < rows->count(); ++row) domains.push_back(rows->text(row, 0));
    return domains;
  });
}

Result<std::vector<OfflineMessage>> PostgresOfflineStore::pendingRemote(const std::string& domain,
                                                                        std::int64_t now,
                                                                        std::int64_t afterId,
                                                                        PendingLimit limit) {
  static const std::string sql =
      windowSql("remote_messages WHERE domain = $1 AND id > $2 AND expires_at > $3", 4);
  return queryMessages(pool_, sql,
                       Parameters()
                           .text(domain)
                           .int64(afterId)
                           .int64(now)
                           .int64(static_cast<std::int64_t>(limit.messages))
                           .int64(static_cast<std::int64_t>(limit.bytes)));
}

Result<std::vector<OfflineMessage>> PostgresOfflineStore::expiredRemote(std::int64_t now,
                                                                        std::size_t limit) {
  static const std::string sql =
      "SELECT " + std::string(kMessageColumns) +
      " FROM remote_messages WHERE expires_at <= $1 ORDER BY id LIMIT $2";
  return queryMessages(pool_, sql, Parameters().int64(now).int64(static_cast<std::int64_t>(limit)));
}

}  // namespace kontalk::storage::postgresql
