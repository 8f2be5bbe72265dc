#include "storage/key_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

const std::string kFingerprintA(40, 'A');
const std::string kFingerprintB(40, 'B');

// Binary key bytes: NUL and high bytes must survive.
std::string keyBytes(char seed) {
  return std::string("\x99\0key\xff", 6) + seed;
}

class KeyStoreTest : public testing::MigratedStorageTest {
 protected:
  void SetUp() override {
    MigratedStorageTest::SetUp();
    ASSERT_TRUE(createAccounts({"alice"}, "example.net"));
  }

  KeyStore& keys() { return storage().keys(); }
};

TEST_F(KeyStoreTest, AccountWithoutKeyHasNoCurrentKey) {
  auto current = keys().currentKey("alice", "example.net");
  ASSERT_TRUE(current) << current.error().message;
  EXPECT_FALSE(current->has_value());
}

TEST_F(KeyStoreTest, SetCurrentKeyRoundTripsBinaryKey) {
  ASSERT_TRUE(keys().setCurrentKey("alice", "example.net", {kFingerprintA, keyBytes('1'), 1000}));
  auto current = keys().currentKey("alice", "example.net");
  ASSERT_TRUE(current && current->has_value());
  EXPECT_EQ((*current)->fingerprint, kFingerprintA);
  EXPECT_EQ((*current)->keyBinary, keyBytes('1'));
  EXPECT_EQ((*current)->storedAt, 1000);
}

TEST_F(KeyStoreTest, NewKeyBecomesCurrentAndOldStaysInKeyring) {
  ASSERT_TRUE(keys().setCurrentKey("alice", "example.net", {kFingerprintA, keyBytes('1'), 1000}));
  ASSERT_TRUE(keys().setCurrentKey("alice", "example.net", {kFingerprintB, keyBytes('2'), 2000}));
  auto current = keys().currentKey("alice", "example.net");
  ASSERT_TRUE(current && current->has_value());
  EXPECT_EQ((*current)->fingerprint, kFingerprintB);
  auto old = keys().keyByFingerprint(kFingerprintA);
  ASSERT_TRUE(old && old->has_value());
  EXPECT_EQ((*old)->keyBinary, keyBytes('1'));
}

TEST_F(KeyStoreTest, SameFingerprintReplacesTheStoredCopy) {
  ASSERT_TRUE(keys().setCurrentKey("alice", "example.net", {kFingerprintA, keyBytes('1'), 1000}));
  ASSERT_TRUE(keys().setCurrentKey("alice", "example.net", {kFingerprintA, keyBytes('c'), 1500}));
  auto stored = keys().keyByFingerprint(kFingerprintA);
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->keyBinary, keyBytes('c'));
  EXPECT_EQ((*stored)->storedAt, 1500);
}

TEST_F(KeyStoreTest, UnknownFingerprintIsAbsent) {
  auto stored = keys().keyByFingerprint(kFingerprintB);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
}

TEST_F(KeyStoreTest, SetCurrentKeyOfUnknownAccountIsNotFound) {
  auto result = keys().setCurrentKey("bob", "example.net", {kFingerprintA, keyBytes('1'), 1000});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, StatusCode::NotFound);
}

TEST_F(KeyStoreTest, RemovingTheAccountForgetsItsCurrentKeyButKeepsTheKeyring) {
  ASSERT_TRUE(keys().setCurrentKey("alice", "example.net", {kFingerprintA, keyBytes('1'), 1000}));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.net"));
  Account alice;
  alice.username = "alice";
  alice.domain = "example.net";
  ASSERT_TRUE(storage().accounts().create(alice));
  auto current = keys().currentKey("alice", "example.net");
  ASSERT_TRUE(current);
  EXPECT_FALSE(current->has_value());
  auto stored = keys().keyByFingerprint(kFingerprintA);
  ASSERT_TRUE(stored && stored->has_value());
}

}  // namespace
}  // namespace kontalk::storage
