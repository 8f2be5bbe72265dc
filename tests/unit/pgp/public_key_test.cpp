#include "pgp/public_key.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "test_keys.hpp"

namespace kontalk::pgp {
namespace {

using testing::makeUserKey;
using testing::TestKeyOptions;

constexpr const char* kUserId = "Alice <4BDD4F929F3A1062253E4E496BAFBA0BDFB5DB75@Example.NET>";

TEST(PublicKeyTest, ParsesFingerprintUserIdsAndTimes) {
  auto key = PublicKey::parse(makeUserKey(kUserId).publicBinary);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->fingerprint().size(), 40u);
  ASSERT_EQ(key->userIds().size(), 1u);
  EXPECT_EQ(key->userIds()[0].text, kUserId);
  EXPECT_EQ(key->userIds()[0].email, "4bdd4f929f3a1062253e4e496bafba0bdfb5db75@example.net");
  EXPECT_GT(key->creationTime(), 1600000000);
  EXPECT_FALSE(key->expirationTime());
  EXPECT_FALSE(key->isRevoked());
  EXPECT_FALSE(key->isExpired(key->creationTime() + 100000000));
}

TEST(PublicKeyTest, ExpirationIsCreationPlusLifetime) {
  auto key = PublicKey::parse(makeUserKey(kUserId, TestKeyOptions{2048, 3600, false}).publicBinary);
  ASSERT_TRUE(key);
  ASSERT_TRUE(key->expirationTime());
  EXPECT_EQ(*key->expirationTime(), key->creationTime() + 3600);
  EXPECT_FALSE(key->isExpired(key->creationTime() + 3599));
  EXPECT_TRUE(key->isExpired(key->creationTime() + 3600));
}

TEST(PublicKeyTest, RevokedKeyIsRevoked) {
  auto key = PublicKey::parse(makeUserKey(kUserId, TestKeyOptions{2048, 0, true}).publicBinary);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_TRUE(key->isRevoked());
}

TEST(PublicKeyTest, RefusesSecretKeysGarbageAndOversizedInput) {
  EXPECT_FALSE(PublicKey::parse(makeUserKey(kUserId).secretBinary));
  EXPECT_FALSE(PublicKey::parse("not a key"));
  EXPECT_FALSE(PublicKey::parse(""));
  EXPECT_FALSE(PublicKey::parse(std::string(PublicKey::kMaxKeySize + 1, '\x99')));
}

TEST(PublicKeyTest, SubkeysAreKeptButNeverChecked) {
  // The Android client's signing subkey carries a cross-signature librnp finds wrong: parsing
  // must neither fail on it nor let librnp write about it to standard error (the server log).
  const auto key = makeUserKey(kUserId, TestKeyOptions{.bits = 1024, .subkeyBits = 1024});
  const std::string broken = testing::withBrokenSubkeyBinding(key.publicBinary);
  testing::ScratchDirectory directory;
  testing::StandardErrorCapture capture(directory.path() / "stderr");
  auto parsed = PublicKey::parse(broken);
  const std::string written = capture.finish();
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(written, "");
  EXPECT_EQ(parsed->binary(), broken);
  EXPECT_LT(parsed->withoutSubkeys().size(), broken.size());
  EXPECT_EQ(broken.substr(0, parsed->withoutSubkeys().size()), parsed->withoutSubkeys());
  EXPECT_FALSE(parsed->isRevoked());
}

TEST(PublicKeyTest, KeepsOnlyTheFirstKey) {
  const std::string first = makeUserKey(kUserId).publicBinary;
  auto key = PublicKey::parse(first + makeUserKey("Bob <bob@example.net>").publicBinary);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->binary(), first);
}

TEST(PublicKeyTest, SubjectPublicKeyInfoIsTheRsaPrimaryKey) {
  auto key = PublicKey::parse(makeUserKey(kUserId).publicBinary);
  ASSERT_TRUE(key);
  auto spki = key->primaryKeySubjectPublicKeyInfo();
  ASSERT_TRUE(spki) << spki.error().message;
  const auto* cursor = reinterpret_cast<const unsigned char*>(spki->data());
  EVP_PKEY* parsed = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(spki->size()));
  ASSERT_NE(parsed, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(parsed), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(parsed), 2048);
  EVP_PKEY_free(parsed);
}

}  // namespace
}  // namespace kontalk::pgp
