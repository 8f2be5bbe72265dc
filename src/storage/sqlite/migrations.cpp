#include "storage/sqlite/migrations.hpp"

#include "base/unix_time.hpp"

#include <array>
#include <chrono>
#include <string>

namespace kontalk::storage::sqlite {

namespace {

// 1: accounts and their SCRAM credentials (RFC 5802 §3: salt, iteration count, StoredKey and
// ServerKey; never the password). One credentials row per hash function ("SHA-1", "SHA-256",
// the names of RFC 5802 and RFC 7677), so a further hash needs no schema change. Later tables
// that belong to an account (keys, roster, offline queue, ...) reference accounts the same way,
// with ON DELETE CASCADE so that removing an account removes everything it owns.
constexpr std::array<std::string_view, 2> kMigration1 = {
    R"sql(CREATE TABLE accounts (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username)
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE account_credentials (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      hash TEXT NOT NULL,
      salt BLOB NOT NULL,
      iterations INTEGER NOT NULL,
      stored_key BLOB NOT NULL,
      server_key BLOB NOT NULL,
      PRIMARY KEY (domain, username, hash),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 2: Kontalk registration (spec §4). A verification request exists before its account does, so
// it references no account; a private key parked for transfer (spec §4.4) belongs to one.
constexpr std::array<std::string_view, 3> kMigration2 = {
    R"sql(CREATE TABLE verification_requests (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      phone TEXT NOT NULL,
      provider TEXT NOT NULL,
      handle BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      failed_attempts INTEGER NOT NULL,
      PRIMARY KEY (domain, username)
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE private_key_transfers (
      token TEXT NOT NULL PRIMARY KEY,
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      private_key BLOB NOT NULL,
      expires_at INTEGER NOT NULL,
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE INDEX private_key_transfers_by_account
      ON private_key_transfers (domain, username))sql",
};

// 3: instant messaging (XEP-0160 offline messages, XEP-0191 block lists, XEP-0012 last
// activity), all owned by an account. AUTOINCREMENT keeps offline ids increasing even after the
// newest row was deleted, so the id is the delivery order.
constexpr std::array<std::string_view, 5> kMigration3 = {
    R"sql(CREATE TABLE offline_messages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      stanza BLOB NOT NULL,
      stored_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ))sql",
    R"sql(CREATE INDEX offline_messages_by_account ON offline_messages (domain, username, id))sql",
    R"sql(CREATE INDEX offline_messages_by_expiry ON offline_messages (expires_at))sql",
    R"sql(CREATE TABLE blocked_jids (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      jid TEXT NOT NULL,
      PRIMARY KEY (domain, username, jid),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE last_activity (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      at INTEGER NOT NULL,
      status TEXT NOT NULL,
      PRIMARY KEY (domain, username),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 4: rosters and presence state (RFC 6121 §2-4). Items carry the subscription state and the
// pending-out ('ask') and pre-approval (§3.4) flags; groups are rows so that their order and
// count are kept exactly. Pending inbound requests keep the stanza for redelivery (§3.1.3); the
// last unavailable presence answers probes while the account is offline (§4.3.2).
constexpr std::array<std::string_view, 5> kMigration4 = {
    R"sql(CREATE TABLE roster_items (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      contact TEXT NOT NULL,
      name TEXT NOT NULL,
      subscription TEXT NOT NULL CHECK (subscription IN ('none', 'to', 'from', 'both')),
      ask INTEGER NOT NULL,
      approved INTEGER NOT NULL,
      PRIMARY KEY (domain, username, contact),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE roster_groups (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      contact TEXT NOT NULL,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      PRIMARY KEY (domain, username, contact, position),
      FOREIGN KEY (domain, username, contact)
        REFERENCES roster_items (domain, username, contact) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE roster_versions (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (domain, username),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE roster_pending_subscriptions (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      contact TEXT NOT NULL,
      stanza TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username, contact),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE last_presences (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      stanza TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (domain, username),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 5: the keyring (spec §1, §3): every OpenPGP public key by fingerprint (binary packets), and
// each account's current key. Keys are not owned by one account row: a replaced key stays in the
// keyring for key rollover checks (spec §3 step 5), so only the current-key pointer cascades.
constexpr std::array<std::string_view, 2> kMigration5 = {
    R"sql(CREATE TABLE keyring (
      fingerprint TEXT NOT NULL PRIMARY KEY,
      key BLOB NOT NULL,
      stored_at INTEGER NOT NULL
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE account_keys (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      fingerprint TEXT NOT NULL REFERENCES keyring (fingerprint),
      PRIMARY KEY (domain, username),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 6: vCards (XEP-0054), one serialized <vCard/> per account.
constexpr std::array<std::string_view, 1> kMigration6 = {
    R"sql(CREATE TABLE vcards (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      vcard TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 7: the sender of each offline message (its bare JID), so that one sender's share of an
// account's quota can be counted (issue 11 item 16). Messages stored before have none ('') and
// count for nobody's share. The index serves that count.
constexpr std::array<std::string_view, 2> kMigration7 = {
    R"sql(ALTER TABLE offline_messages ADD COLUMN sender TEXT NOT NULL DEFAULT '')sql",
    R"sql(CREATE INDEX offline_messages_by_sender
      ON offline_messages (domain, username, sender, expires_at))sql",
};

// 8: the remote queue (spec §7.9): messages for accounts on other servers, durable until that
// server acknowledged them. No account behind them, hence no foreign key; ids come from the same
// journal as offline_messages' (both tables, one id space), so they are given, not generated.
constexpr std::array<std::string_view, 3> kMigration8 = {
    R"sql(CREATE TABLE remote_messages (
      id INTEGER PRIMARY KEY,
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      sender TEXT NOT NULL,
      stanza BLOB NOT NULL,
      stored_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ))sql",
    R"sql(CREATE INDEX remote_messages_by_domain ON remote_messages (domain, id))sql",
    R"sql(CREATE INDEX remote_messages_by_expiry ON remote_messages (expires_at))sql",
};

// 9: the operator's edits of the network's server list (spec §7.1, kontalkctl network ...):
// fingerprint '' when a row only switches a configured server on or off; position keeps the
// order in which domains were first edited.
constexpr std::array<std::string_view, 1> kMigration9 = {
    R"sql(CREATE TABLE network_servers (
      domain TEXT NOT NULL PRIMARY KEY,
      fingerprint TEXT NOT NULL DEFAULT '',
      enabled INTEGER NOT NULL,
      removed INTEGER NOT NULL,
      position INTEGER NOT NULL
    ) WITHOUT ROWID)sql",
};

// 10: XEP-0363 upload slots and their files (spec §8.6, §8.7); state 0 slot, 1 receiving, 2
// stored. The owner is a bare JID without a foreign key: a file outlives its row's account until
// the hourly expiry, which removes file and row together.
constexpr std::array<std::string_view, 2> kMigration10 = {
    R"sql(CREATE TABLE upload_slots (
      id TEXT NOT NULL PRIMARY KEY,
      owner TEXT NOT NULL,
      name TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size INTEGER NOT NULL,
      state INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      stored_at INTEGER NOT NULL
    ) WITHOUT ROWID)sql",
    R"sql(CREATE INDEX upload_slots_by_owner ON upload_slots (owner, state, created_at))sql",
};

// 11: push registrations (spec §8.3): one token per account and provider; a second device of the
// account replaces the first, as in the original server.
constexpr std::array<std::string_view, 1> kMigration11 = {
    R"sql(CREATE TABLE push_registrations (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      provider TEXT NOT NULL,
      token TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username, provider),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 12: XEP-0357 app servers (spec §8.4): per account, (jid, node) with the publish-options form
// the client enabled them with (serialized XML, '' for none). node '' stands for no node.
constexpr std::array<std::string_view, 1> kMigration12 = {
    R"sql(CREATE TABLE push_app_servers (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      jid TEXT NOT NULL,
      node TEXT NOT NULL,
      options TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username, jid, node),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 13: personal eventing (XEP-0163): each account's PEP nodes with their configuration, and the
// items published to them; seq orders a node's items, the highest is the newest.
constexpr std::array<std::string_view, 2> kMigration13 = {
    R"sql(CREATE TABLE pep_nodes (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      node TEXT NOT NULL,
      access_model TEXT NOT NULL,
      max_items INTEGER NOT NULL,
      persist_items INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username, node),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE pep_items (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      node TEXT NOT NULL,
      item_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      payload TEXT NOT NULL,
      published_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username, node, item_id),
      FOREIGN KEY (domain, username, node) REFERENCES pep_nodes (domain, username, node)
        ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

// 14: private XML storage (XEP-0049): per account, serialized elements keyed by element name and
// namespace (bookmarks, XEP-0048, among them).
constexpr std::array<std::string_view, 1> kMigration14 = {
    R"sql(CREATE TABLE private_xml (
      domain TEXT NOT NULL,
      username TEXT NOT NULL,
      name TEXT NOT NULL,
      namespace TEXT NOT NULL,
      xml TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (domain, username, name, namespace),
      FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
    ) WITHOUT ROWID)sql",
};

constexpr std::array<Migration, 14> kMigrations = {{
    {1, kMigration1},
    {2, kMigration2},
    {3, kMigration3},
    {4, kMigration4},
    {5, kMigration5},
    {6, kMigration6},
    {7, kMigration7},
    {8, kMigration8},
    {9, kMigration9},
    {10, kMigration10},
    {11, kMigration11},
    {12, kMigration12},
    {13, kMigration13},
    {14, kMigration14},
}};

Result<bool> isApplied(Database& database, int version) {
  auto query = database.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  if (!query) return tl::unexpected(query.error());
  query->bindInt64(1, version);
  return query->step();
}

// Applies `migration` unless it is applied already; true when it ran. The check is made inside
// the write transaction because another process (kontalkctl migrate beside a starting kontalkd)
// may be migrating the same file at the same time.
Result<bool> applyIfMissing(Database& database, const Migration& migration) {
  auto transaction = Transaction::begin(database);
  if (!transaction) return tl::unexpected(transaction.error());
  auto applied = isApplied(database, migration.version);
  if (!applied) return tl::unexpected(applied.error());
  if (*applied) return false;
  for (const std::string_view statement : migration.statements) {
    if (auto done = database.execute(statement); !done) {
      return failure(done.error(), "migration " + std::to_string(migration.version));
    }
  }
  auto record =
      database.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
  if (!record) return tl::unexpected(record.error());
  record->bindInt64(1, migration.version);
  record->bindInt64(2, base::unixNow());
  if (auto recorded = record->run(); !recorded) return tl::unexpected(recorded.error());
  if (auto committed = transaction->commit(); !committed) {
    return tl::unexpected(committed.error());
  }
  return true;
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latestSchemaVersion() {
  return kMigrations.back().version;
}

Result<int> appliedSchemaVersion(Database& database) {
  auto exists = database.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return tl::unexpected(exists.error());
  auto found = exists->step();
  if (!found) return tl::unexpected(found.error());
  if (!*found) return 0;

  auto highest = database.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!highest) return tl::unexpected(highest.error());
  auto row = highest->step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>(highest->columnInt64(0));
}

Result<void> checkSchemaNotNewer(Database& database) {
  auto applied = appliedSchemaVersion(database);
  if (!applied) return tl::unexpected(applied.error());
  if (*applied > latestSchemaVersion()) {
    return failure(StatusCode::Unsupported,
                   "sqlite: database schema version " + std::to_string(*applied) +
                       " is newer than this build supports (" +
                       std::to_string(latestSchemaVersion()) + "); upgrade kontalk-server");
  }
  return {};
}

Result<int> applyPendingMigrations(Database& database) {
  if (auto checked = checkSchemaNotNewer(database); !checked) {
    return tl::unexpected(checked.error());
  }
  if (auto created = database.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                      "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
      !created) {
    return tl::unexpected(created.error());
  }
  int ran = 0;
  for (const Migration& migration : kMigrations) {
    auto ranNow = applyIfMissing(database, migration);
    if (!ranNow) return tl::unexpected(ranNow.error());
    if (*ranNow) ++ran;
  }
  return ran;
}

}  // namespace kontalk::storage::sqlite
