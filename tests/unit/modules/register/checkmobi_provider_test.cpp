#include "modules/register/checkmobi_provider.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "modules/register/provider_json.hpp"

namespace kontalk::modules::registration {
namespace {

using Kind = StatusCode;

CheckmobiConfig config() {
  return CheckmobiConfig{"http://127.0.0.1:8080/v1", "secret-key", std::chrono::seconds(5)};
}

HttpResponse answer(long status, std::string body) {
  return HttpResponse{status, std::move(body), std::nullopt};
}

bool hasHeader(const HttpRequest& request, std::string_view header) {
  return std::find(request.headers.begin(), request.headers.end(), header) != request.headers.end();
}

TEST(CheckmobiProviderTest, RequestsAreJsonPostsWithTheKeyAsAuthorization) {
  const auto reverse =
      checkmobiStartRequest(CheckmobiMethod::ReverseCallerId, config(), "+390612345678");
  EXPECT_EQ(reverse.method, HttpRequest::Method::Post);
  EXPECT_EQ(reverse.url, "http://127.0.0.1:8080/v1/validation/request");
  EXPECT_TRUE(hasHeader(reverse, "Authorization: secret-key"));
  EXPECT_TRUE(hasHeader(reverse, "Content-Type: application/json"));
  const auto body = JsonAnswer::parse(reverse.body);
  ASSERT_TRUE(body) << reverse.body;
  EXPECT_EQ(body->text("number"), "+390612345678");
  EXPECT_EQ(body->text("type"), "reverse_cli");

  const auto cli = checkmobiStartRequest(CheckmobiMethod::CallerId, config(), "+390612345678");
  EXPECT_EQ(JsonAnswer::parse(cli.body)->text("type"), "cli");
}

TEST(CheckmobiProviderTest, MissedCallVerifySendsTheLastFourTypedDigits) {
  for (const auto* typed : {"5678", "+39 0612 345678", "12-34-5678"}) {
    const auto request =
        checkmobiCheckRequest(CheckmobiMethod::ReverseCallerId, config(), "id-1", typed);
    ASSERT_TRUE(request) << typed;
    EXPECT_EQ(request->method, HttpRequest::Method::Post);
    EXPECT_EQ(request->url, "http://127.0.0.1:8080/v1/validation/verify");
    EXPECT_TRUE(hasHeader(*request, "Authorization: secret-key"));
    const auto body = JsonAnswer::parse(request->body);
    ASSERT_TRUE(body);
    EXPECT_EQ(body->text("id"), "id-1");
    EXPECT_EQ(body->text("pin"), "5678") << typed;
  }
  // Fewer digits than the secret has: wrong without asking.
  EXPECT_FALSE(checkmobiCheckRequest(CheckmobiMethod::ReverseCallerId, config(), "id-1", "567"));
  EXPECT_FALSE(checkmobiCheckRequest(CheckmobiMethod::ReverseCallerId, config(), "id-1", ""));
}

TEST(CheckmobiProviderTest, CallerIdCompletionIsAStatusGet) {
  for (const auto* typed : {"", "anything"}) {
    const auto request =
        checkmobiCheckRequest(CheckmobiMethod::CallerId, config(), "A1-B2/C3", typed);
    ASSERT_TRUE(request);
    EXPECT_EQ(request->method, HttpRequest::Method::Get);
    EXPECT_EQ(request->url, "http://127.0.0.1:8080/v1/validation/status/A1-B2%2FC3");
    EXPECT_TRUE(hasHeader(*request, "Authorization: secret-key"));
  }
}

TEST(CheckmobiProviderTest, MissedCallStartShowsThePrefixAndHidesTheSecretDigits) {
  const auto started = checkmobiStartOutcome(
      CheckmobiMethod::ReverseCallerId,
      answer(200, R"({"id":"ABC-123","type":"reverse_cli","cli_prefix":"+39-0612"})"));
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(started->handle, "ABC-123");
  EXPECT_EQ(started->sender, "+39-0612????");

  const auto noPrefix =
      checkmobiStartOutcome(CheckmobiMethod::ReverseCallerId, answer(200, R"({"id":"ABC"})"));
  ASSERT_TRUE(noPrefix);
  EXPECT_EQ(noPrefix->sender, "????");

  const auto badPrefix = checkmobiStartOutcome(
      CheckmobiMethod::ReverseCallerId, answer(200, R"({"id":"ABC","cli_prefix":"<b>1</b>"})"));
  ASSERT_FALSE(badPrefix);
  EXPECT_EQ(badPrefix.error().code, Kind::InvalidArgument);
}

TEST(CheckmobiProviderTest, CallerIdStartShowsTheNumberToCall) {
  const auto started = checkmobiStartOutcome(
      CheckmobiMethod::CallerId,
      answer(200, R"({"id":"XYZ","type":"cli","dialing_number":"+442038085855"})"));
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(started->handle, "XYZ");
  EXPECT_EQ(started->sender, "+442038085855");

  const auto missing =
      checkmobiStartOutcome(CheckmobiMethod::CallerId, answer(200, R"({"id":"XYZ"})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Kind::InvalidArgument);
}

TEST(CheckmobiProviderTest, StartFailuresAreClassified) {
  const auto kind = [](long http, std::string body) {
    const auto outcome =
        checkmobiStartOutcome(CheckmobiMethod::ReverseCallerId, answer(http, std::move(body)));
    EXPECT_FALSE(outcome);
    return outcome ? Kind::InvalidArgument : outcome.error().code;
  };
  EXPECT_EQ(kind(500, ""), Kind::Unavailable);
  EXPECT_EQ(kind(503, R"({"code":1,"error":"down"})"), Kind::Unavailable);
  EXPECT_EQ(kind(400, R"({"code":6,"error":"Invalid phone number"})"), Kind::InvalidArgument);
  EXPECT_EQ(kind(401, ""), Kind::InvalidArgument);
  EXPECT_EQ(kind(200, "not json"), Kind::InvalidArgument);
  EXPECT_EQ(kind(200, R"({"cli_prefix":"+39"})"), Kind::InvalidArgument);  // no id
  EXPECT_EQ(kind(200, R"({"id":7})"), Kind::InvalidArgument);              // id not a string
}

TEST(CheckmobiProviderTest, CheckAnswersAreClassified) {
  EXPECT_EQ(checkmobiCheckOutcome(answer(200, R"({"number":"+39","validated":true})")),
            CodeCheck::Accepted);
  EXPECT_EQ(checkmobiCheckOutcome(answer(200, R"({"validated":false})")), CodeCheck::WrongCode);
  const auto down = checkmobiCheckOutcome(answer(500, ""));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, Kind::Unavailable);
  const auto unknown = checkmobiCheckOutcome(answer(404, R"({"code":3,"error":"Invalid id"})"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Kind::InvalidArgument);
  EXPECT_NE(unknown.error().message.find("Invalid id"), std::string::npos);
  const auto unreadable = checkmobiCheckOutcome(answer(200, R"({"validated":"yes"})"));
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, Kind::InvalidArgument);
}

TEST(CheckmobiProviderTest, ProvidersNameTheirChallenges) {
  auto missedCall = makeCheckmobiProvider(CheckmobiMethod::ReverseCallerId, config());
  EXPECT_EQ(missedCall->name(), "checkmobi-missedcall");
  EXPECT_EQ(missedCall->challengeType(), "missedcall");
  EXPECT_TRUE(missedCall->needsCode());
  auto callerId = makeCheckmobiProvider(CheckmobiMethod::CallerId, config());
  EXPECT_EQ(callerId->name(), "checkmobi-callerid");
  EXPECT_EQ(callerId->challengeType(), "callerid");
  EXPECT_FALSE(callerId->needsCode());
}

}  // namespace
}  // namespace kontalk::modules::registration
