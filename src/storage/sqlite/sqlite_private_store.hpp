#pragma once
// PrivateStore on SQLite: table private_xml.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/private_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqlitePrivateStore final : public PrivateStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqlitePrivateStore(GuardedDatabase& database) : database_(database) {}

  Result<void> save(const std::string& username, const std::string& domain, const PrivateKey& key,
                    const std::string& xml, std::size_t maxTotalBytes) override;
  Result<std::optional<std::string>> find(const std::string& username, const std::string& domain,
                                          const PrivateKey& key) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
