#include "stream/sasl/scram_message.hpp"

#include <gtest/gtest.h>

namespace kontalk::sasl {
namespace {

TEST(ScramMessageTest, ParsesAttributes) {
  const auto attributes = parseScramAttributes("r=abc,s=QQ==,i=4096,x=");
  ASSERT_TRUE(attributes.has_value());
  ASSERT_EQ(attributes->size(), 4u);
  EXPECT_EQ((*attributes)[0].name, 'r');
  EXPECT_EQ((*attributes)[0].value, "abc");
  EXPECT_EQ((*attributes)[1].value, "QQ==");
  EXPECT_EQ((*attributes)[3].name, 'x');
  EXPECT_EQ((*attributes)[3].value, "");
  for (const std::string_view bad : {"", ",", "r=a,", "ra", "1=a", "r=a,,s=b", "rr=a"}) {
    EXPECT_FALSE(parseScramAttributes(bad).has_value()) << bad;
  }
}

TEST(ScramMessageTest, SaslnameEscaping) {
  EXPECT_EQ(encodeSaslname("a,b=c"), "a=2Cb=3Dc");
  EXPECT_EQ(decodeSaslname("a=2Cb=3Dc"), "a,b=c");
  EXPECT_EQ(decodeSaslname("=3D=2C"), "=,");
  for (const std::string_view bad : {"=", "a=2", "=2c", "=41", "a,b"}) {
    EXPECT_EQ(decodeSaslname(bad), std::nullopt) << bad;
  }
}

TEST(ScramMessageTest, NoncesAndIterationCounts) {
  EXPECT_TRUE(isValidNonce("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
  EXPECT_FALSE(isValidNonce(""));
  EXPECT_FALSE(isValidNonce("a,b"));
  EXPECT_FALSE(isValidNonce("a b"));
  EXPECT_FALSE(isValidNonce("caf\xc3\xa9"));
  EXPECT_EQ(parseIterationCount("4096", 10000), 4096u);
  EXPECT_EQ(parseIterationCount("10000", 10000), 10000u);
  EXPECT_EQ(parseIterationCount("10001", 10000), std::nullopt);
  EXPECT_EQ(parseIterationCount("0", 10000), std::nullopt);
  EXPECT_EQ(parseIterationCount("", 10000), std::nullopt);
  EXPECT_EQ(parseIterationCount("+1", 10000), std::nullopt);
  EXPECT_EQ(parseIterationCount("12a", 10000), std::nullopt);
  EXPECT_EQ(parseIterationCount("99999999999", 4000000000u), std::nullopt);
}

}  // namespace
}  // namespace kontalk::sasl
