#pragma once
// The PostgreSQL backend of the storage facade: a bounded pool of connections to one database
// (connection_pool.hpp says why bounded), shared by every store. Unlike SQLite's single writer,
// writes of different stores and threads run concurrently, each in a transaction of its own on a
// connection of its own; PostgreSQL serializes what conflicts. Several kontalkd nodes may share
// the database.
// Threading: as storage.hpp: thread-safe stores over the pool; every store method, migrate() and
// probe() block (network round trips), so never on a shard.

#include <memory>

#include "storage/postgresql/connection_pool.hpp"
#include "storage/postgresql/postgres_account_store.hpp"
#include "storage/postgresql/postgres_blocking_store.hpp"
#include "storage/postgresql/postgres_key_store.hpp"
#include "storage/postgresql/postgres_last_activity_store.hpp"
#include "storage/postgresql/postgres_network_store.hpp"
#include "storage/postgresql/postgres_offline_store.hpp"
#include "storage/postgresql/postgres_pep_store.hpp"
#include "storage/postgresql/postgres_private_store.hpp"
#include "storage/postgresql/postgres_push_store.hpp"
#include "storage/postgresql/postgres_registration_store.hpp"
#include "storage/postgresql/postgres_roster_store.hpp"
#include "storage/postgresql/postgres_upload_store.hpp"
#include "storage/postgresql/postgres_vcard_store.hpp"
#include "storage/storage.hpp"

namespace kontalk::storage::postgresql {

class PostgresStorage final : public Storage {
 public:
  // Connects to config.url (a first connection proves the URL and the server) and refuses a
  // schema newer than this build.
  static Result<std::unique_ptr<PostgresStorage>> open(const StorageSettings& config);

  explicit PostgresStorage(const StorageSettings& config)
      : pool_(config.url, config.poolSize, config.acquireTimeout),
        accounts_(pool_),
        keys_(pool_),
        offline_(pool_),
        blocking_(pool_),
        lastActivity_(pool_),
        registration_(pool_),
        rosters_(pool_),
        vcards_(pool_),
        network_(pool_),
        uploads_(pool_),
        push_(pool_),
        pep_(pool_),
        private_(pool_) {}

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
  // Nothing to do: every commit is durable when PostgreSQL acknowledges it.
  void flush() override {}
  Result<void> probe() override;
  Result<void> exportTables(std::size_t batchRows, const TableBatchSink& sink) override;
  Result<void> importTables(const TableBatchSource& source) override;

 private:
  ConnectionPool pool_;  // declared first: the stores refer to it
  PostgresAccountStore accounts_;
  PostgresKeyStore keys_;
  PostgresOfflineStore offline_;
  PostgresBlockingStore blocking_;
  PostgresLastActivityStore lastActivity_;
  PostgresRegistrationStore registration_;
  PostgresRosterStore rosters_;
  PostgresVcardStore vcards_;
  PostgresNetworkStore network_;
  PostgresUploadStore uploads_;
  PostgresPushStore push_;
  PostgresPepStore pep_;
  PostgresPrivateStore private_;
};

}  // namespace kontalk::storage::postgresql
