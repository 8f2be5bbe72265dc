#pragma once
// UploadStore on SQLite: table upload_slots (migration 10).
// Threading: every method may be called from any thread (GuardedDatabase serializes each
// connection); they block, so never on a shard.

#include "storage/sqlite/guarded_database.hpp"
#include "storage/upload_store.hpp"

namespace kontalk::storage::sqlite {

class SqliteUploadStore final : public UploadStore {
 public:
  // `database` must outlive the store (both are owned by SqliteStorage).
  explicit SqliteUploadStore(GuardedDatabase& database) : database_(database) {}

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
  GuardedDatabase& database_;
};

}  // namespace kontalk::storage::sqlite
