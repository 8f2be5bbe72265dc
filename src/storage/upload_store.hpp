#pragma once
// XEP-0363 upload slots and the files stored for them (spec §8.6, §8.7): one row per slot id,
// which is also the name of its file under data_dir/upload/. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

enum class UploadState {
  Slot = 0,       // handed out, no PUT yet (or the last one was cut short)
  Receiving = 1,  // a PUT is writing the file
  Stored = 2,     // the file is complete
};

struct UploadRow {
  std::string id;           // 32 base64url characters
  std::string owner;        // the uploader's bare JID
  std::string name;         // the sanitised file name of the URL
  std::string contentType;  // the slot's, else the PUT's; "" for neither
  std::uint64_t size = 0;
  UploadState state = UploadState::Slot;
  std::int64_t createdAt = 0;  // unix seconds
  std::int64_t storedAt = 0;   // unix seconds; 0 until Stored
};

// Why createSlot() refused (spec §8.6: both are resource-constraint to the client).
enum class SlotRefusal { None, Quota, TooManySlots };

class UploadStore {
 public:
  virtual ~UploadStore() = default;
  // Records `slot` (state Slot) unless the owner's stored bytes + slot.size exceed `quota` or
  // the owner already has `maxUnused` slots younger than `unusedSince` without a file.
  virtual Result<SlotRefusal> createSlot(const UploadRow& slot, std::uint64_t quota,
                                         std::size_t maxUnused, std::int64_t unusedSince) = 0;
  virtual Result<std::optional<UploadRow>> find(const std::string& id) = 0;
  // Slot → Receiving; false when the slot was not in state Slot (used, or being used).
  virtual Result<bool> startReceiving(const std::string& id) = 0;
  // Receiving → Slot: the PUT was cut short.
  virtual Result<void> abandon(const std::string& id) = 0;
  // Receiving → Stored at `now`, with the content type when the slot had none; false when the
  // row is gone (expired meanwhile).
  virtual Result<bool> markStored(const std::string& id, std::int64_t now,
                                  const std::string& contentType) = 0;
  // Deletes what expired (spec §8.7): files stored before `storedBefore`; then each owner's
  // oldest files while their total exceeds `softQuota`; slots without a file created before
  // `unusedBefore`. Returns the ids of the deleted files (Stored rows), whose files go next.
  virtual Result<std::vector<std::string>> expire(std::int64_t storedBefore,
                                                  std::uint64_t softQuota,
                                                  std::int64_t unusedBefore) = 0;
};

}  // namespace kontalk::storage
