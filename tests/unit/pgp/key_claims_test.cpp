#include "pgp/key_claims.hpp"

#include <gtest/gtest.h>

#include "pgp/packets.hpp"
#include "test_keys.hpp"

namespace kontalk::pgp {
namespace {

using testing::makeUserKey;

constexpr const char* kUserId = "Alice <4BDD4F929F3A1062253E4E496BAFBA0BDFB5DB75@Example.NET>";

std::string armored(const std::string& binary) {
  rnp_input_t rawInput = nullptr;
  EXPECT_EQ(rnp_input_from_memory(&rawInput, reinterpret_cast<const std::uint8_t*>(binary.data()),
                                  binary.size(), false),
            RNP_SUCCESS);
  rnp::Input input(rawInput);
  rnp_output_t rawOutput = nullptr;
  EXPECT_EQ(rnp_output_to_memory(&rawOutput, 0), RNP_SUCCESS);
  rnp::Output output(rawOutput);
  EXPECT_EQ(rnp_enarmor(input.get(), output.get(), "public key"), RNP_SUCCESS);
  EXPECT_EQ(rnp_output_finish(output.get()), RNP_SUCCESS);
  std::uint8_t* data = nullptr;
  std::size_t size = 0;
  EXPECT_EQ(rnp_output_memory_get_buf(output.get(), &data, &size, false), RNP_SUCCESS);
  return std::string(reinterpret_cast<const char*>(data), size);
}

TEST(KeyClaimsTest, ClaimsAreWhatTheParserFinds) {
  const auto key = makeUserKey(kUserId);
  auto claims = readKeyClaims(key.publicBinary);
  ASSERT_TRUE(claims) << claims.error().message;
  auto parsed = PublicKey::parse(key.publicBinary);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(claims->fingerprint, parsed->fingerprint());
  ASSERT_EQ(claims->userIds.size(), 1u);
  EXPECT_EQ(claims->userIds[0].text, parsed->userIds()[0].text);
  EXPECT_EQ(claims->userIds[0].email, "4bdd4f929f3a1062253e4e496bafba0bdfb5db75@example.net");
}

TEST(KeyClaimsTest, ReadsArmoredKeysAndOnlyTheFirstKey) {
  const auto first = makeUserKey(kUserId);
  const auto second = makeUserKey("Bob <bob@example.net>");
  auto claims = readKeyClaims(armored(first.publicBinary + second.publicBinary));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->fingerprint, PublicKey::parse(first.publicBinary)->fingerprint());
  ASSERT_EQ(claims->userIds.size(), 1u);
  EXPECT_EQ(claims->userIds[0].text, kUserId);
}

TEST(KeyClaimsTest, NothingIsVerified) {
  // A key packet without usable key material, with a user id and no signature: no parser would
  // accept it as a key, and the claims are read all the same.
  const std::string block =
      packets::frame(packets::kPublicKey, std::string("\x04\x60\0\0\0\x01", 6)) +
      packets::frame(packets::kUserId, "Mallory <mallory@example.net>");
  EXPECT_FALSE(PublicKey::parse(block));
  auto claims = readKeyClaims(block);
  ASSERT_TRUE(claims) << claims.error().message;
  ASSERT_EQ(claims->userIds.size(), 1u);
  EXPECT_EQ(claims->userIds[0].email, "mallory@example.net");
}

TEST(KeyClaimsTest, UserIdsAfterTheSubkeysAreNotClaims) {
  const auto key = makeUserKey(kUserId);
  const std::string block = key.publicBinary +
                            packets::frame(packets::kPublicSubkey, std::string("\x04", 1)) +
                            packets::frame(packets::kUserId, "Late <late@example.net>");
  auto claims = readKeyClaims(block);
  ASSERT_TRUE(claims);
  ASSERT_EQ(claims->userIds.size(), 1u);
  EXPECT_EQ(claims->userIds[0].text, kUserId);
}

TEST(KeyClaimsTest, RefusesWhatIsNotAPublicKeyBlock) {
  EXPECT_FALSE(readKeyClaims(""));
  EXPECT_FALSE(readKeyClaims("not a key"));
  EXPECT_FALSE(readKeyClaims(makeUserKey(kUserId).secretBinary));
  EXPECT_FALSE(readKeyClaims(packets::frame(packets::kPublicKey, std::string("\x03", 1))));
  EXPECT_FALSE(readKeyClaims(std::string(PublicKey::kMaxKeySize + 1, '\x99')));
  // Truncated framing.
  const auto key = makeUserKey(kUserId).publicBinary;
  EXPECT_FALSE(readKeyClaims(key.substr(0, key.size() - 1)));
}

}  // namespace
}  // namespace kontalk::pgp
