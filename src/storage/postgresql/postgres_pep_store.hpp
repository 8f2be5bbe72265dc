#pragma once
// PepStore on PostgreSQL: tables pep_nodes and pep_items, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/pep_store.hpp"
#include "storage/postgresql/connection_pool.hpp"

namespace kontalk::storage::postgresql {

class PostgresPepStore final : public PepStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresPepStore(ConnectionPool& pool) : pool_(pool) {}

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
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
