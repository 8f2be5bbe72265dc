// The admin socket's wire format (src/app/admin/admin_protocol.cpp): what kontalkctl sends and
// what the server accepts, with its bounds; and the answer's status line.

#include "app/admin/admin_protocol.hpp"

#include <gtest/gtest.h>

namespace kontalk::admin {
namespace {

TEST(AdminProtocolTest, RequestRoundTripKeepsArgumentsIncludingEmptyAndSpaces) {
  const std::vector<std::string> arguments = {"sessions", "kick", "alice@localhost/phone", "",
                                              "two words  and\ttabs"};
  auto encoded = encodeRequest(arguments);
  ASSERT_TRUE(encoded);
  auto parsed = parseRequest(*encoded);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, arguments);
}

TEST(AdminProtocolTest, EncodingRefusesNewlineNulNoArgumentsAndTooMany) {
  EXPECT_FALSE(encodeRequest({"broadcast", "line\nbreak"}));
  EXPECT_FALSE(encodeRequest({"broadcast", std::string("nul\0byte", 8)}));
  EXPECT_FALSE(encodeRequest({}));
  EXPECT_FALSE(encodeRequest(std::vector<std::string>(kMaxArguments + 1, "x")));
  EXPECT_FALSE(encodeRequest({"broadcast", std::string(kMaxRequestBytes, 'x')}));
}

TEST(AdminProtocolTest, ParsingRefusesMalformedRequests) {
  EXPECT_FALSE(parseRequest(""));
  EXPECT_FALSE(parseRequest("status"));  // no final newline: cut short
  EXPECT_FALSE(parseRequest(std::string("sta\0tus\n", 8)));
  std::string tooMany;
  for (std::size_t i = 0; i <= kMaxArguments; ++i) tooMany += "x\n";
  EXPECT_FALSE(parseRequest(tooMany));
  EXPECT_FALSE(parseRequest(std::string(kMaxRequestBytes, 'x') + "\n"));
  auto single = parseRequest("status\n");
  ASSERT_TRUE(single);
  EXPECT_EQ(*single, std::vector<std::string>{"status"});
}

TEST(AdminProtocolTest, ResponseRoundTripAndMissingStatusLine) {
  for (const bool ok : {true, false}) {
    auto parsed = parseResponse(encodeResponse({ok, "line one\nline two\n"}));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->ok, ok);
    EXPECT_EQ(parsed->text, "line one\nline two\n");
  }
  EXPECT_FALSE(parseResponse(""));
  EXPECT_FALSE(parseResponse("maybe\n"));
  EXPECT_FALSE(parseResponse("ok"));  // the status line is cut short
}

}  // namespace
}  // namespace kontalk::admin
