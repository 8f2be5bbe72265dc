#include "modules/register/provider_json.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::registration {
namespace {

TEST(ProviderJsonTest, ReadsTopLevelScalars) {
  const auto answer =
      JsonAnswer::parse(R"({"request_id":"abc123","status":"0","code":16,"validated":true,)"
                        R"("nested":{"status":"9"},"list":[1,2],"price":0.05})");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->text("request_id"), "abc123");
  EXPECT_EQ(answer->integer("status"), 0);  // a string of digits
  EXPECT_EQ(answer->integer("code"), 16);   // a number
  EXPECT_EQ(answer->flag("validated"), true);
  EXPECT_FALSE(answer->text("nested"));
  EXPECT_FALSE(answer->integer("price"));  // not an integer
  EXPECT_FALSE(answer->text("missing"));
}

TEST(ProviderJsonTest, TypesAreNotConfused) {
  const auto answer = JsonAnswer::parse(R"({"a":"true","b":1,"c":"1x","d":"","e":false})");
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->flag("a"));  // a string is not a boolean
  EXPECT_FALSE(answer->text("b"));  // a number is not a string
  EXPECT_FALSE(answer->integer("c"));
  EXPECT_FALSE(answer->integer("d"));
  EXPECT_FALSE(answer->integer("e"));
  EXPECT_EQ(answer->flag("e"), false);
}

TEST(ProviderJsonTest, RefusesWhatIsNotAnObject) {
  EXPECT_FALSE(JsonAnswer::parse(""));
  EXPECT_FALSE(JsonAnswer::parse("<html>Bad Gateway</html>"));
  EXPECT_FALSE(JsonAnswer::parse(R"(["status",0])"));
  EXPECT_FALSE(JsonAnswer::parse(R"({"status":"0")"));  // truncated
  EXPECT_FALSE(JsonAnswer::parse(R"({"status":"0"} trailing)"));
  EXPECT_FALSE(JsonAnswer::parse(std::string(10000, '[')));
}

TEST(ProviderJsonTest, WritesEscapedFlatObjects) {
  EXPECT_EQ(jsonObject({{"number", "+15555215554"}, {"type", "cli"}}),
            R"({"number":"+15555215554","type":"cli"})");
  EXPECT_EQ(jsonObject({{"id", "a\"b\\c\n"}}), R"({"id":"a\"b\\c\n"})");
  EXPECT_EQ(jsonObject({}), "{}");
}

}  // namespace
}  // namespace kontalk::modules::registration
