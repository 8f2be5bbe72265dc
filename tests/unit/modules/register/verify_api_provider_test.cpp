#include "modules/register/verify_api_provider.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace kontalk::modules::registration {
namespace {

using Kind = StatusCode;

VerifyApiConfig config() {
  VerifyApiConfig c;
  c.url = "http://127.0.0.1:8080/api";
  c.apiKey = "key";
  c.apiSecret = "s&cret";
  c.brand = "My Kontalk";
  c.senderId = "KONTALK";
  return c;
}

HttpResponse answer(long status, std::string body) {
  return HttpResponse{status, std::move(body), std::nullopt};
}

bool hasHeader(const HttpRequest& request, std::string_view header) {
  return std::find(request.headers.begin(), request.headers.end(), header) != request.headers.end();
}

TEST(VerifyApiProviderTest, VonageStartIsAFormPost) {
  const auto request = verifyApiStartRequest(VerifyApiDialect::Vonage, config(), "+15555215554");
  EXPECT_EQ(request.method, HttpRequest::Method::Post);
  EXPECT_EQ(request.url, "http://127.0.0.1:8080/api/verify/json");
  EXPECT_TRUE(hasHeader(request, "Content-Type: application/x-www-form-urlencoded"));
  EXPECT_EQ(request.body,
            "api_key=key&api_secret=s%26cret&number=15555215554&brand=My%20Kontalk"
            "&sender_id=KONTALK&code_length=6");
}

TEST(VerifyApiProviderTest, VonageCheckIsAFormPost) {
  const auto request =
      verifyApiCheckRequest(VerifyApiDialect::Vonage, config(), "abcdef0123", "123456");
  EXPECT_EQ(request.method, HttpRequest::Method::Post);
  EXPECT_EQ(request.url, "http://127.0.0.1:8080/api/verify/check/json");
  EXPECT_EQ(request.body, "api_key=key&api_secret=s%26cret&request_id=abcdef0123&code=123456");
}

TEST(VerifyApiProviderTest, JmpCallsAreGetsWithQueries) {
  const auto start = verifyApiStartRequest(VerifyApiDialect::Jmp, config(), "+15555215554");
  EXPECT_EQ(start.method, HttpRequest::Method::Get);
  EXPECT_EQ(start.url,
            "http://127.0.0.1:8080/api/verify?api_key=key&api_secret=s%26cret"
            "&number=15555215554&brand=My%20Kontalk");
  EXPECT_TRUE(start.body.empty());
  const auto check = verifyApiCheckRequest(VerifyApiDialect::Jmp, config(), "r 1", "1234");
  EXPECT_EQ(check.method, HttpRequest::Method::Get);
  EXPECT_EQ(check.url,
            "http://127.0.0.1:8080/api/verify/check?api_key=key&api_secret=s%26cret"
            "&request_id=r%201&code=1234");
}

TEST(VerifyApiProviderTest, StartedAnswerGivesTheRequestId) {
  for (const auto dialect : {VerifyApiDialect::Vonage, VerifyApiDialect::Jmp}) {
    // Status as a string (Nexmo) or as a number.
    for (const auto* body : {R"({"request_id":"abcdef0123456789","status":"0"})",
                             R"({"request_id":"abcdef0123456789","status":0})"}) {
      const auto started = verifyApiStartOutcome(dialect, answer(200, body));
      ASSERT_TRUE(started) << started.error().message;
      EXPECT_EQ(started->handle, "abcdef0123456789");
      EXPECT_FALSE(started->sender);
    }
  }
}

TEST(VerifyApiProviderTest, StartFailuresAreClassified) {
  const auto kind = [](VerifyApiDialect dialect, long http, std::string body) {
    const auto outcome = verifyApiStartOutcome(dialect, answer(http, std::move(body)));
    EXPECT_FALSE(outcome);
    return outcome ? Kind::InvalidArgument : outcome.error().code;
  };
  const auto vonage = VerifyApiDialect::Vonage;
  const auto jmp = VerifyApiDialect::Jmp;
  // Server errors and the services' own overload: transient (the fallback is tried).
  EXPECT_EQ(kind(vonage, 500, "oops"), Kind::Unavailable);
  EXPECT_EQ(kind(jmp, 503, R"({"status":"0","request_id":"x"})"), Kind::Unavailable);
  EXPECT_EQ(kind(vonage, 200, R"({"status":"1","error_text":"Throttled"})"), Kind::Unavailable);
  EXPECT_EQ(kind(vonage, 200, R"({"status":"5","error_text":"Internal Error"})"),
            Kind::Unavailable);
  EXPECT_EQ(kind(jmp, 200, R"({"status":"2"})"), Kind::Unavailable);
  // Spec §4.5: JMP's concurrent request is a throttle; Vonage's is just a failure.
  EXPECT_EQ(kind(jmp, 200, R"({"status":"10","error_text":"Concurrent"})"), Kind::Overloaded);
  EXPECT_EQ(kind(jmp, 400, R"({"status":10})"), Kind::Overloaded);  // JMP error bodies count
  EXPECT_EQ(kind(vonage, 200, R"({"status":"10"})"), Kind::InvalidArgument);
  // Refusals and answers we cannot read.
  EXPECT_EQ(kind(vonage, 200, R"({"status":"3","error_text":"Invalid value"})"),
            Kind::InvalidArgument);
  EXPECT_EQ(kind(vonage, 200, R"({"status":"0"})"), Kind::InvalidArgument);  // no request_id
  EXPECT_EQ(kind(vonage, 200, R"({"status":"0","request_id":""})"), Kind::InvalidArgument);
  EXPECT_EQ(kind(vonage, 200, R"({"status":"0","request_id":"a\nb"})"), Kind::InvalidArgument);
  EXPECT_EQ(kind(vonage, 200, R"({"status":"0","request_id":")" + std::string(129, 'a') + "\"}"),
            Kind::InvalidArgument);
  EXPECT_EQ(kind(jmp, 200, "not json"), Kind::InvalidArgument);
  EXPECT_EQ(kind(jmp, 401, "Unauthorized"), Kind::InvalidArgument);
}

TEST(VerifyApiProviderTest, StatusErrorTextReachesTheLog) {
  const auto outcome = verifyApiStartOutcome(
      VerifyApiDialect::Vonage, answer(200, R"({"status":"15","error_text":"Unsupported"})"));
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("status 15: Unsupported"), std::string::npos)
      << outcome.error().message;
}

TEST(VerifyApiProviderTest, CheckAnswersAreClassified) {
  for (const auto dialect : {VerifyApiDialect::Vonage, VerifyApiDialect::Jmp}) {
    EXPECT_EQ(verifyApiCheckOutcome(dialect, answer(200, R"({"status":"0","event_id":"e"})")),
              CodeCheck::Accepted);
    EXPECT_EQ(verifyApiCheckOutcome(dialect, answer(200, R"({"status":"16"})")),
              CodeCheck::WrongCode);
    const auto down = verifyApiCheckOutcome(dialect, answer(502, ""));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, Kind::Unavailable);
    // Too many wrong codes (17) or no such request (101): the verification is over.
    for (const auto* body : {R"({"status":"17"})", R"({"status":"101"})", R"({"status":"6"})"}) {
      const auto over = verifyApiCheckOutcome(dialect, answer(200, body));
      ASSERT_FALSE(over) << body;
      EXPECT_EQ(over.error().code, Kind::InvalidArgument) << body;
    }
  }
}

TEST(VerifyApiProviderTest, ProviderRelaysThroughTheService) {
  auto provider = makeVerifyApiProvider(VerifyApiDialect::Jmp, config());
  EXPECT_EQ(provider->name(), "jmp");
  EXPECT_EQ(provider->challengeType(), "pin");
  EXPECT_EQ(provider->senderId(), "KONTALK");
  EXPECT_TRUE(provider->needsCode());
  // An empty code is wrong without asking the service.
  EXPECT_EQ(provider->check("abc", ""), CodeCheck::WrongCode);
  EXPECT_EQ(makeVerifyApiProvider(VerifyApiDialect::Vonage, config())->name(), "vonage");
}

}  // namespace
}  // namespace kontalk::modules::registration
