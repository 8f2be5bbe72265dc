#include "storage/upload_store.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

using Ids = std::vector<std::string>;

constexpr std::uint64_t kQuota = 1000;
constexpr std::size_t kMaxUnused = 3;

UploadRow slot(std::string id, std::string owner, std::uint64_t size, std::int64_t createdAt = 100,
               std::string contentType = "") {
  UploadRow row;
  row.id = std::move(id);
  row.owner = std::move(owner);
  row.name = "photo.jpg";
  row.contentType = std::move(contentType);
  row.size = size;
  row.createdAt = createdAt;
  return row;
}

class UploadStoreTest : public testing::MigratedStorageTest {
 protected:
  UploadStore& uploads() { return storage().uploads(); }

  SlotRefusal create(const UploadRow& row, std::uint64_t quota = kQuota) {
    auto created = uploads().createSlot(row, quota, kMaxUnused, 0);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : SlotRefusal::None;
  }

  // A slot whose file is complete, stored at `storedAt`.
  void storeFile(const UploadRow& row, std::int64_t storedAt) {
    ASSERT_EQ(uploads().createSlot(row, kQuota * 100, 100, 0).value(), SlotRefusal::None);
    ASSERT_TRUE(uploads().startReceiving(row.id).value());
    ASSERT_TRUE(uploads().markStored(row.id, storedAt, "image/jpeg").value());
  }

  std::optional<UploadState> stateOf(const std::string& id) {
    auto found = uploads().find(id);
    EXPECT_TRUE(found) << found.error().message;
    if (!found || !*found) return std::nullopt;
    return (*found)->state;
  }
};

TEST_F(UploadStoreTest, ASlotGoesThroughReceivingToStored) {
  ASSERT_EQ(create(slot("a", "alice@example.org", 100, 100, "")), SlotRefusal::None);
  auto found = uploads().find("a").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->owner, "alice@example.org");
  EXPECT_EQ(found->name, "photo.jpg");
  EXPECT_EQ(found->size, 100u);
  EXPECT_EQ(found->state, UploadState::Slot);
  EXPECT_EQ(found->createdAt, 100);
  EXPECT_EQ(found->storedAt, 0);
  EXPECT_FALSE(uploads().markStored("a", 200, "image/png").value()) << "no PUT yet";
  EXPECT_TRUE(uploads().startReceiving("a").value());
  EXPECT_FALSE(uploads().startReceiving("a").value()) << "a second PUT at once";
  ASSERT_TRUE(uploads().abandon("a"));
  EXPECT_EQ(stateOf("a"), UploadState::Slot);
  EXPECT_TRUE(uploads().startReceiving("a").value());
  EXPECT_TRUE(uploads().markStored("a", 200, "image/png").value());
  found = uploads().find("a").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, UploadState::Stored);
  EXPECT_EQ(found->storedAt, 200);
  EXPECT_EQ(found->contentType, "image/png") << "the PUT's type when the slot had none";
  ASSERT_TRUE(uploads().abandon("a"));
  EXPECT_EQ(stateOf("a"), UploadState::Stored) << "abandon touches only a receiving slot";
  EXPECT_FALSE(uploads().find("missing").value());
  EXPECT_FALSE(uploads().startReceiving("missing").value());
}

TEST_F(UploadStoreTest, TheSlotsContentTypeWinsOverThePuts) {
  ASSERT_EQ(create(slot("a", "alice@example.org", 100, 100, "image/jpeg")), SlotRefusal::None);
  ASSERT_TRUE(uploads().startReceiving("a").value());
  ASSERT_TRUE(uploads().markStored("a", 200, "text/plain").value());
  EXPECT_EQ(uploads().find("a").value()->contentType, "image/jpeg");
}

TEST_F(UploadStoreTest, StoredBytesCountAgainstTheQuotaAndUnusedSlotsAgainstTheirLimit) {
  storeFile(slot("f", "alice@example.org", 600), 150);
  EXPECT_EQ(create(slot("big", "alice@example.org", 401)), SlotRefusal::Quota);
  EXPECT_EQ(create(slot("fits", "alice@example.org", 400)), SlotRefusal::None);
  EXPECT_EQ(create(slot("bob", "bob@example.org", 1000)), SlotRefusal::None) << "per owner";
  EXPECT_EQ(create(slot("s2", "alice@example.org", 1)), SlotRefusal::None);
  EXPECT_EQ(create(slot("s3", "alice@example.org", 1)), SlotRefusal::None);
  EXPECT_EQ(create(slot("s4", "alice@example.org", 1)), SlotRefusal::TooManySlots);
  // Slots created before unusedSince no longer count.
  EXPECT_EQ(uploads().createSlot(slot("s5", "alice@example.org", 1, 300), kQuota, kMaxUnused, 100),
            SlotRefusal::None);
  // A quota above what a signed 64-bit column holds still compares as a quota.
  EXPECT_EQ(create(slot("huge", "carol@example.org", 1), std::numeric_limits<std::uint64_t>::max()),
            SlotRefusal::None);
}

// Spec §8.7: files older than max_age go; then each owner's oldest files while the owner's
// total is above the soft quota; slots without a file go after their time.
TEST_F(UploadStoreTest, ExpireRemovesOldFilesTheOldestBeyondTheSoftQuotaAndUnusedSlots) {
  storeFile(slot("a1", "alice@example.org", 10), 100);
  storeFile(slot("a2", "alice@example.org", 10), 200);
  storeFile(slot("a3", "alice@example.org", 10), 300);
  storeFile(slot("a4", "alice@example.org", 10), 300);  // the same time as a3: the id decides
  storeFile(slot("b1", "bob@example.org", 5), 50);
  storeFile(slot("b2", "bob@example.org", 5), 400);
  ASSERT_EQ(create(slot("old-slot", "carol@example.org", 1, 10)), SlotRefusal::None);
  ASSERT_EQ(create(slot("new-slot", "carol@example.org", 1, 30)), SlotRefusal::None);
  ASSERT_EQ(create(slot("receiving", "carol@example.org", 1, 10)), SlotRefusal::None);
  ASSERT_TRUE(uploads().startReceiving("receiving").value());

  auto expired = uploads().expire(60, 15, 20);
  ASSERT_TRUE(expired) << expired.error().message;
  // alice's newest first: a3 (total 10) stays; a4 (20 > 15), a2 and a1 go. bob's b1 is too old
  // and counts for nothing, so b2 stays.
  EXPECT_EQ(*expired, (Ids{"a4", "a2", "a1", "b1"}));
  for (const char* gone : {"a1", "a2", "a4", "b1", "old-slot", "receiving"}) {
    EXPECT_FALSE(stateOf(gone)) << gone;
  }
  for (const char* kept : {"a3", "b2", "new-slot"}) EXPECT_TRUE(stateOf(kept)) << kept;
  EXPECT_TRUE(uploads().expire(60, 15, 20).value().empty());
}

}  // namespace
}  // namespace kontalk::storage
