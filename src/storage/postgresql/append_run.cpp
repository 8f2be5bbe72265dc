#include "storage/postgresql/append_run.hpp"

#include <unordered_set>

#include "storage/postgresql/array_literal.hpp"

namespace kontalk::storage::postgresql {
namespace {

// Bounds of one run's statements: a batch may hold tens of megabytes (the journal's backlog).
constexpr std::size_t kMaxAppends = 1000;
constexpr std::size_t kMaxStanzaBytes = std::size_t{8} << 20;

// The run's rows, from the parameters Columns::parameters() sends.
constexpr std::string_view kRunRows = R"sql(
unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $6::bigint[], $7::bigint[],
       $8::bigint[], $9::bigint[])
  AS run (id, domain, username, sender, start, length, stored_at, expires_at))sql";

// Rows for accounts that do not exist are left out (NoSuchAccount) rather than failing the
// foreign key and with it the batch; FOR KEY SHARE keeps the accounts from being removed
// before the commit, as a foreign key check would.
const std::string& insertLocalSql() {
  static const std::string sql =
      "INSERT INTO offline_messages (id, domain, username, sender, stanza, stored_at, "
      "expires_at) SELECT run.id, run.domain, run.username, run.sender, "
      "substring($5 FROM run.start::integer FOR run.length::integer), run.stored_at, "
      "run.expires_at FROM " +
      std::string(kRunRows) +
      " JOIN accounts ON accounts.domain = run.domain AND accounts.username = run.username "
      "FOR KEY SHARE OF accounts RETURNING id";
  return sql;
}

const std::string& insertRemoteSql() {
  static const std::string sql =
      "INSERT INTO remote_messages (id, domain, username, sender, stanza, stored_at, "
      "expires_at) SELECT run.id, run.domain, run.username, run.sender, "
      "substring($5 FROM run.start::integer FOR run.length::integer), run.stored_at, "
      "run.expires_at FROM " +
      std::string(kRunRows);
  return sql;
}

}  // namespace

Parameters AppendRun::Columns::parameters() const {
  Parameters parameters;
  parameters.text(int64ArrayLiteral(ids))
      .text(textArrayLiteral(domains))
      .text(textArrayLiteral(usernames))
      .text(textArrayLiteral(senders))
      .bytea(stanzas)
      .text(int64ArrayLiteral(starts))
      .text(int64ArrayLiteral(lengths))
      .text(int64ArrayLiteral(storedAt))
      .text(int64ArrayLiteral(expiresAt));
  return parameters;
}

void AppendRun::add(std::size_t index, const JournalAppend& append) {
  Columns& columns = append.remote ? remote_ : local_;
  columns.indices.push_back(index);
  columns.ids.push_back(append.message.id);
  columns.domains.push_back(append.domain);
  columns.usernames.push_back(append.username);
  columns.senders.push_back(append.sender);
  columns.starts.push_back(static_cast<std::int64_t>(columns.stanzas.size()) + 1);
  columns.lengths.push_back(static_cast<std::int64_t>(append.message.stanza.size()));
  columns.stanzas += append.message.stanza;
  columns.storedAt.push_back(append.message.storedAt);
  columns.expiresAt.push_back(append.message.expiresAt);
}

bool AppendRun::full() const {
  return local_.ids.size() + remote_.ids.size() >= kMaxAppends ||
         local_.stanzas.size() + remote_.stanzas.size() >= kMaxStanzaBytes;
}

Result<void> AppendRun::write(Connection& connection, std::vector<AppendOutcome>& outcomes) {
  if (!local_.ids.empty()) {
    auto stored = connection.query(insertLocalSql(), local_.parameters());
    if (!stored) return tl::unexpected(stored.error());
    std::unordered_set<std::int64_t> storedIds;
    for (int row = 0; row < stored->count(); ++row) storedIds.insert(stored->int64(row, 0));
    for (std::size_t i = 0; i < local_.ids.size(); ++i) {
      outcomes[local_.indices[i]] =
          storedIds.contains(local_.ids[i]) ? AppendOutcome::Stored : AppendOutcome::NoSuchAccount;
    }
  }
  if (!remote_.ids.empty()) {
    if (auto stored = connection.query(insertRemoteSql(), remote_.parameters()); !stored) {
      return tl::unexpected(stored.error());
    }
    for (const std::size_t index : remote_.indices) outcomes[index] = AppendOutcome::Stored;
  }
  local_ = {};
  remote_ = {};
  return {};
}

}  // namespace kontalk::storage::postgresql
