#include "base/http_call.hpp"

#include <gtest/gtest.h>

namespace kontalk::base {
namespace {

TEST(HttpCallTest, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percentEncode("+1 555&x=y/é"), "%2B1%20555%26x%3Dy%2F%C3%A9");
}

TEST(HttpCallTest, FormEncodingJoinsEncodedPairs) {
  EXPECT_EQ(formEncode({{"number", "15555215554"}, {"brand", "My App"}, {"k&", "=v"}}),
            "number=15555215554&brand=My%20App&k%26=%3Dv");
  EXPECT_EQ(formEncode({}), "");
}

TEST(HttpCallTest, SuccessIsTwoHundreds) {
  EXPECT_TRUE(isSuccess(200));
  EXPECT_TRUE(isSuccess(204));
  EXPECT_FALSE(isSuccess(302));
}

TEST(HttpCallTest, DescriptionLeavesOutTheQueryWithItsCredentials) {
  HttpRequest request;
  request.url = "https://api.example/verify?api_key=k&api_secret=s";
  EXPECT_EQ(describeRequest(request), "GET https://api.example/verify");
  request.method = HttpRequest::Method::Post;
  request.url = "https://api.example/verify/json";
  EXPECT_EQ(describeRequest(request), "POST https://api.example/verify/json");
}

TEST(HttpCallTest, ConnectionRefusedIsAnErrorNotAnAnswer) {
  initHttpCalls();
  HttpRequest request;
  request.url = "http://127.0.0.1:1/verify?api_secret=s";  // nothing listens on port 1
  const auto response = performHttp(request, {std::chrono::seconds(5), false});
  ASSERT_FALSE(response);
  EXPECT_TRUE(response.error().isTransient());
  EXPECT_NE(response.error().message.find("GET http://127.0.0.1:1/verify"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("api_secret"), std::string::npos)
      << response.error().message;
}

}  // namespace
}  // namespace kontalk::base
