#include "base/encoding.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kontalk::base {
namespace {

// RFC 4648 §10 test vectors.
const std::vector<std::pair<std::string, std::string>> kBase64Vectors{
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : kBase64Vectors) {
    EXPECT_EQ(base64Encode(plain), encoded) << plain;
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : kBase64Vectors) {
    EXPECT_EQ(base64Decode(encoded), plain) << encoded;
  }
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); length += 37) {
    const std::string slice = bytes.substr(0, length);
    EXPECT_EQ(base64Decode(base64Encode(slice)), slice);
  }
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, RejectsInvalidInput) {
  for (const std::string invalid : {
           "Zg",         // missing padding
           "Zg=",        // short padding
           "Zm9v\n",     // whitespace
           "Zm 9v",      // whitespace inside
           "Z===",       // too much padding
           "Zg==Zg==",   // padding in the middle
           "Zm=v",       // '=' in the middle of a group
           "Zm9*",       // not in the alphabet
           "Zh==",       // non-zero pad bits (non-canonical form of "f")
           "Zm9=",       // non-zero pad bits
           "====",       // only padding
           "Zm9vYmFy=",  // length not a multiple of 4
       }) {
    EXPECT_EQ(base64Decode(invalid), std::nullopt) << invalid;
  }
}

TEST(HexTest, EncodesLowercase) {
  EXPECT_EQ(hexEncode(""), "");
  EXPECT_EQ(hexEncode("foobar"), "666f6f626172");  // RFC 4648 §10 base16 vector
  EXPECT_EQ(hexEncode(std::string("\x00\xab\xff", 3)), "00abff");
}

TEST(RandomTest, ProducesRequestedLengths) {
  EXPECT_EQ(randomBytes(0).size(), 0u);
  EXPECT_EQ(randomBytes(33).size(), 33u);
  EXPECT_NE(randomBytes(32), randomBytes(32));  // 2^-256 chance of a false failure
}

TEST(RandomTest, AlphanumericUsesOnlyLettersAndDigits) {
  const std::string text = randomAlphanumeric(2000);
  ASSERT_EQ(text.size(), 2000u);
  std::set<char> seen;
  for (const char c : text) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << c;
    seen.insert(c);
  }
  // 2000 uniform draws over 62 symbols miss one with probability ~62 * (61/62)^2000 < 1e-12.
  EXPECT_EQ(seen.size(), 62u);
  EXPECT_EQ(randomAlphanumeric(0), "");
}

}  // namespace
}  // namespace kontalk::base
