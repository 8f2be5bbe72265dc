#pragma once
// VcardStore on SQLite: table vcards.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/sqlite/guarded_database.hpp"
#include "storage/vcard_store.hpp"

namespace kontalk::storage::sqlite {

class SqliteVcardStore final : public VcardStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteVcardStore(GuardedDatabase& database) : database_(database) {}

  Result<void> save(const std::string& username, const std::string& domain,
                    const std::string& vcardXml) override;
  Result<std::optional<std::string>> find(const std::string& username,
                                          const std::string& domain) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
