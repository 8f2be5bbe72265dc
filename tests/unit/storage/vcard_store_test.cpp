#include "storage/vcard_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

class VcardStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}));
  }

  VcardStore& store() { return storage().vcards(); }
};

TEST_F(VcardStoreTest, NoVcardUntilSaved) {
  auto found = store().find("alice", "example.org");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(*found);
}

TEST_F(VcardStoreTest, SaveReplacesTheAccountsVcard) {
  ASSERT_TRUE(store().save("alice", "example.org", "<vCard xmlns='vcard-temp'><FN>A</FN></vCard>"));
  ASSERT_TRUE(store().save("alice", "example.org", "<vCard xmlns='vcard-temp'><FN>B</FN></vCard>"));
  auto found = store().find("alice", "example.org");
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ(**found, "<vCard xmlns='vcard-temp'><FN>B</FN></vCard>");
  EXPECT_FALSE(*store().find("alice", "other.org"));
}

TEST_F(VcardStoreTest, SaveForMissingAccountIsNotFound) {
  auto saved = store().save("nobody", "example.org", "<vCard xmlns='vcard-temp'/>");
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, StatusCode::NotFound);
}

TEST_F(VcardStoreTest, RemovingTheAccountRemovesItsVcard) {
  ASSERT_TRUE(store().save("alice", "example.org", "<vCard xmlns='vcard-temp'/>"));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  auto found = store().find("alice", "example.org");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

}  // namespace
}  // namespace kontalk::storage
