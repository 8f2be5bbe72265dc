#pragma once
// UploadStore on PostgreSQL: table upload_slots, as on SQLite.
// Threading: every method may be called from any thread (each borrows a connection of the
// pool); they block, so never on a shard.

#include "storage/postgresql/connection_pool.hpp"
#include "storage/upload_store.hpp"

namespace kontalk::storage::postgresql {

class PostgresUploadStore final : public UploadStore {
 public:
  // `pool` must outlive the store (both are owned by PostgresStorage).
  explicit PostgresUploadStore(ConnectionPool& pool) : pool_(pool) {}

  Result<SlotRefusal> createSlot(const UploadRow& slot, std::uint64_t quota, std::size_t maxUnused,
                                 std::int64_t unusedSince) override;
  Result<std::optional<UploadRow>> find(const std::string& id) override;
  Result<bool> startReceiving(const std::string& id) override;
  Result<void> abandon(const std::string& id) override;
  Result<bool> markStored(const std::string& id, std::int64_t now,
                          const std::string& contentType) override;
  Result<std::vector<std::string>> expire(std::int64_t storedBefore, std::uint64_t softQuota,
                                          std::int64_t unusedBefore) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace kontalk::storage::postgresql
