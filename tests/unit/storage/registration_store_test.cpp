#include "storage/registration_store.hpp"

#include <gtest/gtest.h>

#include "migrated_storage.hpp"

namespace kontalk::storage {
namespace {

constexpr std::int64_t kNow = 1700000000;

VerificationRequest request(std::string username, std::string handle = "123456") {
  VerificationRequest result;
  result.username = std::move(username);
  result.domain = "example.org";
  result.phone = "+15555215554";
  result.provider = "fixed";
  result.handle = std::move(handle);
  result.createdAt = kNow;
  result.expiresAt = kNow + 900;
  return result;
}

class RegistrationStoreTest : public testing::MigratedStorageTest {
 protected:
  RegistrationStore& store() { return storage().registration(); }

  PrivateKeyTransfer transfer(std::string token, std::string username = "alice") {
    PrivateKeyTransfer result;
    result.token = std::move(token);
    result.username = std::move(username);
    result.domain = "example.org";
    result.privateKey = std::string("\0secret\xff", 8);
    result.expiresAt = kNow + 60;
    return result;
  }
};

TEST_F(RegistrationStoreTest, StoredRequestIsFoundWhileLive) {
  ASSERT_TRUE(store().putVerification(request("alice", std::string("\0bin", 4))));
  auto found = store().findVerification("alice", "example.org", kNow);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->phone, "+15555215554");
  EXPECT_EQ((*found)->provider, "fixed");
  EXPECT_EQ((*found)->handle, std::string("\0bin", 4));
  EXPECT_EQ((*found)->expiresAt, kNow + 900);
  EXPECT_EQ((*found)->failedAttempts, 0);
}

TEST_F(RegistrationStoreTest, ExpiredRequestIsNotFound) {
  ASSERT_TRUE(store().putVerification(request("alice")));
  EXPECT_FALSE(store().findVerification("alice", "example.org", kNow + 900).value().has_value());
  EXPECT_FALSE(store().findVerification("bob", "example.org", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, NewRequestReplacesOldAndResetsAttempts) {
  ASSERT_TRUE(store().putVerification(request("alice", "111111")));
  ASSERT_EQ(store().recordFailedAttempt("alice", "example.org").value(), 1);
  ASSERT_TRUE(store().putVerification(request("alice", "222222")));
  auto found = store().findVerification("alice", "example.org", kNow).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->handle, "222222");
  EXPECT_EQ(found->failedAttempts, 0);
}

TEST_F(RegistrationStoreTest, ConsumeIsSingleUseAndNeedsTheHandle) {
  ASSERT_TRUE(store().putVerification(request("alice", "123456")));
  EXPECT_FALSE(store().consumeVerification("alice", "example.org", "654321").value());
  EXPECT_TRUE(store().consumeVerification("alice", "example.org", "123456").value());
  EXPECT_FALSE(store().consumeVerification("alice", "example.org", "123456").value());
  EXPECT_FALSE(store().findVerification("alice", "example.org", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, FailedAttemptsCount) {
  EXPECT_EQ(store().recordFailedAttempt("alice", "example.org").value(), 0);
  ASSERT_TRUE(store().putVerification(request("alice")));
  EXPECT_EQ(store().recordFailedAttempt("alice", "example.org").value(), 1);
  EXPECT_EQ(store().recordFailedAttempt("alice", "example.org").value(), 2);
  EXPECT_EQ(store().findVerification("alice", "example.org", kNow).value()->failedAttempts, 2);
  ASSERT_TRUE(store().removeVerification("alice", "example.org"));
  EXPECT_FALSE(store().findVerification("alice", "example.org", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, PurgeRemovesOnlyExpiredRequests) {
  auto old = request("alice");
  old.expiresAt = kNow - 1;
  ASSERT_TRUE(store().putVerification(old));
  ASSERT_TRUE(store().putVerification(request("bob")));
  EXPECT_EQ(store().purgeExpiredVerifications(kNow).value(), 1);
  EXPECT_TRUE(store().findVerification("bob", "example.org", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, PrivateKeyIsTakenOnce) {
  ASSERT_TRUE(createAccounts({"alice"}));
  ASSERT_TRUE(store().putPrivateKey(transfer("0123")));
  auto taken = store().takePrivateKey("0123", kNow);
  ASSERT_TRUE(taken) << taken.error().message;
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->username, "alice");
  EXPECT_EQ((*taken)->domain, "example.org");
  EXPECT_EQ((*taken)->privateKey, std::string("\0secret\xff", 8));
  EXPECT_FALSE(store().takePrivateKey("0123", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, ExpiredPrivateKeyIsNotReturned) {
  ASSERT_TRUE(createAccounts({"alice"}));
  ASSERT_TRUE(store().putPrivateKey(transfer("0123")));
  EXPECT_FALSE(store().takePrivateKey("0123", kNow + 60).value().has_value());
  EXPECT_FALSE(store().takePrivateKey("0123", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, PrivateKeyNeedsAccountAndUniqueToken) {
  auto missing = store().putPrivateKey(transfer("0123", "nobody"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, StatusCode::NotFound);
  ASSERT_TRUE(createAccounts({"alice"}));
  ASSERT_TRUE(store().putPrivateKey(transfer("0123")));
  auto twice = store().putPrivateKey(transfer("0123"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, StatusCode::AlreadyExists);
}

TEST_F(RegistrationStoreTest, PrivateKeysGoWithTheirAccount) {
  ASSERT_TRUE(createAccounts({"alice"}));
  ASSERT_TRUE(store().putPrivateKey(transfer("0123")));
  ASSERT_TRUE(storage().accounts().remove("alice", "example.org"));
  EXPECT_FALSE(store().takePrivateKey("0123", kNow).value().has_value());
}

TEST_F(RegistrationStoreTest, PurgeRemovesExpiredPrivateKeys) {
  ASSERT_TRUE(createAccounts({"alice"}));
  auto old = transfer("1");
  old.expiresAt = kNow;
  ASSERT_TRUE(store().putPrivateKey(old));
  ASSERT_TRUE(store().putPrivateKey(transfer("2")));
  EXPECT_EQ(store().purgeExpiredPrivateKeys(kNow).value(), 1);
  EXPECT_TRUE(store().takePrivateKey("2", kNow).value().has_value());
}

}  // namespace
}  // namespace kontalk::storage
