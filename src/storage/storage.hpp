#pragma once
// The storage facade: opens the configured backend, applies pending migrations, and hands out
// one store per concern. Later concerns (roster, offline queue, keys, ...) are added here as
// further accessors, each an interface with per-backend implementations.
// Threading: the accessors may be called from any thread and hand out thread-safe stores;
// every store method, migrate() and flush() block: never call them on a shard.

#include <memory>
#include <string>

#include "storage/account_store.hpp"
#include "storage/blocking_store.hpp"
#include "storage/key_store.hpp"
#include "storage/last_activity_store.hpp"
#include "storage/network_store.hpp"
#include "storage/offline_store.hpp"
#include "storage/pep_store.hpp"
#include "storage/private_store.hpp"
#include "storage/push_store.hpp"
#include "storage/registration_store.hpp"
#include "storage/result.hpp"
#include "storage/roster_store.hpp"
#include "storage/storage_settings.hpp"
#include "storage/table_rows.hpp"
#include "storage/upload_store.hpp"
#include "storage/vcard_store.hpp"

namespace kontalk::storage {

// Thread-safe: the stores it hands out may be used from several worker threads at once. The
// stores live as long as the Storage.
class Storage {
 public:
  virtual ~Storage() = default;
  virtual AccountStore& accounts() = 0;
  virtual OfflineStore& offline() = 0;
  virtual BlockingStore& blocking() = 0;
  virtual LastActivityStore& lastActivity() = 0;
  virtual KeyStore& keys() = 0;
  virtual RegistrationStore& registration() = 0;
  virtual RosterStore& rosters() = 0;
  virtual VcardStore& vcards() = 0;
  virtual NetworkStore& network() = 0;
  virtual UploadStore& uploads() = 0;
  virtual PushStore& push() = 0;
  virtual PepStore& pep() = 0;
  virtual PrivateStore& privateXml() = 0;
  // Applies every migration not yet applied; returns how many ran.
  virtual Result<int> migrate() = 0;
  // The highest applied migration; 0 for a database never migrated.
  virtual Result<int> schemaVersion() = 0;
  // Makes all committed data durable (used at shutdown).
  virtual void flush() = 0;
  // Proves that storage answers and commits: a write transaction that changes nothing (the
  // /healthz readiness check). A read alone would pass on a file system gone read-only.
  virtual Result<void> probe() = 0;

  // Everything stored, for copying to another backend (table_rows.hpp): every table of the
  // schema but the migrations' own bookkeeping, in foreign-key order, each in batches of at most
  // `batchRows` rows, all read in one consistent snapshot (a running server may keep writing).
  virtual Result<void> exportTables(std::size_t batchRows, const TableBatchSink& sink) = 0;
  // Writes every batch `source` feeds, in one transaction: all or nothing. Fails AlreadyExists,
  // writing nothing, when any table holds a row already, and InvalidArgument for a table or
  // column this schema does not have. Counters the backend keeps beside the rows (SQLite's
  // AUTOINCREMENT, PostgreSQL's sequences) continue after the highest id imported.
  virtual Result<void> importTables(const TableBatchSource& source) = 0;
};

}  // namespace kontalk::storage
