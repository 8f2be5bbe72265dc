#include "stream/sasl/plain.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kontalk::sasl {
namespace {

std::string nul(std::string_view a, std::string_view b, std::string_view c) {
  std::string out(a);
  out += '\0';
  out += b;
  out += '\0';
  out += c;
  return out;
}

TEST(PlainTest, ParsesRfc4616Examples) {
  // RFC 4616 §4.
  const auto withoutAuthzid = parsePlainMessage(nul("", "tim", "tanstaaftanstaaf"));
  ASSERT_TRUE(withoutAuthzid.has_value());
  EXPECT_EQ(withoutAuthzid->authzid, "");
  EXPECT_EQ(withoutAuthzid->username, "tim");
  EXPECT_EQ(withoutAuthzid->password, "tanstaaftanstaaf");

  const auto withAuthzid = parsePlainMessage(nul("Ursel", "Kurt", "xipj3plmq"));
  ASSERT_TRUE(withAuthzid.has_value());
  EXPECT_EQ(withAuthzid->authzid, "Ursel");
  EXPECT_EQ(withAuthzid->username, "Kurt");
  EXPECT_EQ(withAuthzid->password, "xipj3plmq");
}

TEST(PlainTest, PreparesUserNameOnly) {
  const auto parsed = parsePlainMessage(nul("", "I\xc2\xadX", "pass\xc2\xa0word"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->username, "IX");
  EXPECT_EQ(parsed->password, "pass\xc2\xa0word");  // verifyPassword prepares it
}

TEST(PlainTest, RejectsMalformedMessages) {
  const std::string big(1025, 'a');
  const std::string limit(1024, 'a');
  EXPECT_FALSE(parsePlainMessage("").has_value());
  EXPECT_FALSE(parsePlainMessage("user").has_value());
  EXPECT_FALSE(parsePlainMessage(std::string("\0user", 5)).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", "", "password")).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", "user", "")).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", "user", std::string("pass\0word", 9))).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", "us\x01r", "password")).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", "\xff", "password")).has_value());
  EXPECT_FALSE(parsePlainMessage(nul(big, "user", "password")).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", big, "password")).has_value());
  EXPECT_FALSE(parsePlainMessage(nul("", "user", big)).has_value());
  EXPECT_TRUE(parsePlainMessage(nul(limit, limit, limit)).has_value());
}

}  // namespace
}  // namespace kontalk::sasl
