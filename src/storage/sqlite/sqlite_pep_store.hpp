#pragma once
// PepStore on SQLite: tables pep_nodes and pep_items.
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/pep_store.hpp"
#include "storage/sqlite/guarded_database.hpp"

namespace kontalk::storage::sqlite {

class SqlitePepStore final : public PepStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqlitePepStore(GuardedDatabase& database) : database_(database) {}

  Result<std::optional<PepNodeConfig>> findNode(const std::string& username,
                                                const std::string& domain,
                                                const std::string& node) override;
  Result<std::vector<std::string>> nodes(const std::string& username,
                                         const std::string& domain) override;
  Result<PepWrite> configureNode(const std::string& username, const std::string& domain,
                                 const std::string& node, const PepNodeConfig& config,
                                 std::size_t maxNodes) override;
  Result<PepPublished> publish(const std::string& username, const std::string& domain,
                               const std::string& node, const PepNodeConfig& createWith,
                               const PepItem& item, std::size_t maxNodes) override;
  Result<bool> retract(const std::string& username, const std::string& domain,
                       const std::string& node, const std::string& itemId) override;
  Result<bool> deleteNode(const std::string& username, const std::string& domain,
                          const std::string& node) override;
  Result<std::vector<PepItem>> items(const std::string& username, const std::string& domain,
                                     const std::string& node, std::size_t max) override;

 private:
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
