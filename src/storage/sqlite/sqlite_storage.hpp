#pragma once
// The SQLite backend of the storage facade: one database file, one guarded writer connection
// shared by every store and a reader connection for logins (see guarded_database.hpp for why).
// Threading: as storage.hpp: thread-safe stores over mutex-guarded connections (a writer and a
// reader); every store method, migrate() and flush() block, so never on a shard.

#include <memory>
#include <utility>

#include "storage/sqlite/guarded_database.hpp"
#include "storage/sqlite/sqlite_account_store.hpp"
#include "storage/sqlite/sqlite_blocking_store.hpp"
#include "storage/sqlite/sqlite_key_store.hpp"
#include "storage/sqlite/sqlite_last_activity_store.hpp"
#include "storage/sqlite/sqlite_network_store.hpp"
#include "storage/sqlite/sqlite_offline_store.hpp"
#include "storage/sqlite/sqlite_pep_store.hpp"
#include "storage/sqlite/sqlite_private_store.hpp"
#include "storage/sqlite/sqlite_push_store.hpp"
#include "storage/sqlite/sqlite_registration_store.hpp"
#include "storage/sqlite/sqlite_roster_store.hpp"
#include "storage/sqlite/sqlite_upload_store.hpp"
#include "storage/sqlite/sqlite_vcard_store.hpp"
#include "storage/storage.hpp"

namespace kontalk::storage::sqlite {

class SqliteStorage final : public Storage {
 public:
  // Opens config.path (see database_setup.hpp) and refuses a schema newer than this build.
  static Result<std::unique_ptr<SqliteStorage>> open(const StorageSettings& config);

  SqliteStorage(Database database, Database reader)
      : database_(std::move(database), std::move(reader)),
        accounts_(database_),
        keys_(database_),
        offline_(database_),
        blocking_(database_),
        lastActivity_(database_),
        registration_(database_),
        rosters_(database_),
        vcards_(database_),
        network_(database_),
        uploads_(database_),
        push_(database_),
        pep_(database_),
        private_(database_) {}

  AccountStore& accounts() override { return accounts_; }
  KeyStore& keys() override { return keys_; }
  OfflineStore& offline() override { return offline_; }
  BlockingStore& blocking() override { return blocking_; }
  LastActivityStore& lastActivity() override { return lastActivity_; }
  RegistrationStore& registration() override { return registration_; }
  RosterStore& rosters() override { return rosters_; }
  VcardStore& vcards() override { return vcards_; }
  NetworkStore& network() override { return network_; }
  UploadStore& uploads() override { return uploads_; }
  PushStore& push() override { return push_; }
  PepStore& pep() override { return pep_; }
  PrivateStore& privateXml() override { return private_; }
  Result<int> migrate() override;
  Result<int> schemaVersion() override;
  void flush() override;
  Result<void> probe() override;
  Result<void> exportTables(std::size_t batchRows, const TableBatchSink& sink) override;
  Result<void> importTables(const TableBatchSource& source) override;

 private:
  GuardedDatabase database_;  // declared first: the stores refer to it
  SqliteAccountStore accounts_;
  SqliteKeyStore keys_;
  SqliteOfflineStore offline_;
  SqliteBlockingStore blocking_;
  SqliteLastActivityStore lastActivity_;
  SqliteRegistrationStore registration_;
  SqliteRosterStore rosters_;
  SqliteVcardStore vcards_;
  SqliteNetworkStore network_;
  SqliteUploadStore uploads_;
  SqlitePushStore push_;
  SqlitePepStore pep_;
  SqlitePrivateStore private_;
};

}  // namespace kontalk::storage::sqlite
