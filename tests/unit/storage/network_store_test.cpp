#include "storage/network_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

class NetworkStoreTest : public testing::MigratedStorageTest {
 protected:
  NetworkStore& network() { return storage().network(); }

  std::vector<NetworkServerRow> rows() {
    auto all = network().all();
    EXPECT_TRUE(all) << all.error().message;
    return all ? *all : std::vector<NetworkServerRow>{};
  }
};

TEST_F(NetworkStoreTest, RowsComeInTheOrderDomainsWereFirstEdited) {
  EXPECT_TRUE(rows().empty());
  ASSERT_TRUE(network().add("z.test", "FP1"));
  ASSERT_TRUE(network().setEnabled("b.test", false));
  ASSERT_TRUE(network().remove("a.test"));
  ASSERT_TRUE(network().add("z.test", "FP2"));  // a later edit keeps the domain's place
  const auto all = rows();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].domain, "z.test");
  EXPECT_EQ(all[0].fingerprint, "FP2");
  EXPECT_TRUE(all[0].enabled);
  EXPECT_FALSE(all[0].removed);
  EXPECT_EQ(all[1].domain, "b.test");
  EXPECT_FALSE(all[1].fingerprint) << "enable/disable alone stores no fingerprint";
  EXPECT_FALSE(all[1].enabled);
  EXPECT_EQ(all[2].domain, "a.test");
  EXPECT_TRUE(all[2].removed);
}

TEST_F(NetworkStoreTest, EditsOfAnAddedServerKeepItsFingerprintUntilAddedAgain) {
  ASSERT_TRUE(network().add("b.test", "FP1"));
  ASSERT_TRUE(network().setEnabled("b.test", false));
  ASSERT_TRUE(network().remove("b.test"));
  auto all = rows();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].fingerprint, "FP1");
  EXPECT_FALSE(all[0].enabled);
  EXPECT_TRUE(all[0].removed);
  ASSERT_TRUE(network().add("b.test", "FP3"));
  all = rows();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].fingerprint, "FP3");
  EXPECT_TRUE(all[0].enabled);
  EXPECT_FALSE(all[0].removed);
}

TEST_F(NetworkStoreTest, EditsSurviveReopening) {
  ASSERT_TRUE(network().add("b.test", "FP1"));
  ASSERT_TRUE(reopen());
  const auto all = rows();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].fingerprint, "FP1");
}

}  // namespace
}  // namespace kontalk::storage
