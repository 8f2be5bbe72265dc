#include "modules/push/fcm_answer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kontalk::modules::push {
namespace {

std::string fcmError(std::string_view status, std::string_view errorCode) {
  return R"({"error":{"code":400,"message":"m","status":")" + std::string(status) +
         R"(","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":")" +
         std::string(errorCode) + R"("}]}})";
}

TEST(FcmAnswerTest, TheMessageIsDataOnlyAsTheAppExpects) {
  const auto body = nlohmann::json::parse(fcmMessageBody("TOKEN"));
  const auto expected = nlohmann::json::parse(
      R"({"message":{"token":"TOKEN","data":{"action":"org.kontalk.CHECK_MESSAGES"},)"
      R"("android":{"priority":"high","collapse_key":"new"}}})");
  EXPECT_EQ(body, expected);
  EXPECT_EQ(fcmSendUrl("http://127.0.0.1:1", "test-project"),
            "http://127.0.0.1:1/v1/projects/test-project/messages:send");
}

TEST(FcmAnswerTest, DeadTokensAreDeleted) {
  EXPECT_EQ(classifyFcmAnswer(404, fcmError("NOT_FOUND", "UNREGISTERED")).verdict,
            FcmVerdict::DeleteToken);
  EXPECT_EQ(classifyFcmAnswer(403, fcmError("PERMISSION_DENIED", "SENDER_ID_MISMATCH")).verdict,
            FcmVerdict::DeleteToken);
  EXPECT_EQ(classifyFcmAnswer(400, fcmError("INVALID_ARGUMENT", "INVALID_ARGUMENT")).verdict,
            FcmVerdict::DeleteToken);
}

TEST(FcmAnswerTest, OurOwnBadRequestKeepsTheToken) {
  const std::string badRequest =
      R"({"error":{"status":"INVALID_ARGUMENT","details":[)"
      R"({"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[]}]}})";
  EXPECT_EQ(classifyFcmAnswer(400, badRequest).verdict, FcmVerdict::Refused);
  EXPECT_EQ(classifyFcmAnswer(400, "not json").verdict, FcmVerdict::Refused);
  // INVALID_ARGUMENT only as error.status, without an FcmError detail: not the token's fault.
  EXPECT_EQ(classifyFcmAnswer(400, R"({"error":{"status":"INVALID_ARGUMENT"}})").verdict,
            FcmVerdict::Refused);
}

TEST(FcmAnswerTest, BusyAndBrokenServersAreRetried) {
  EXPECT_EQ(classifyFcmAnswer(429, fcmError("RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")).verdict,
            FcmVerdict::Retry);
  EXPECT_EQ(classifyFcmAnswer(500, "").verdict, FcmVerdict::Retry);
  EXPECT_EQ(classifyFcmAnswer(503, fcmError("UNAVAILABLE", "UNAVAILABLE")).verdict,
            FcmVerdict::Retry);
}

TEST(FcmAnswerTest, SuccessAndUnauthorized) {
  EXPECT_EQ(classifyFcmAnswer(200, R"({"name":"projects/p/messages/1"})").verdict,
            FcmVerdict::Done);
  EXPECT_EQ(classifyFcmAnswer(401, "").verdict, FcmVerdict::RefreshToken);
  // 404 without UNREGISTERED (a wrong project) is our mistake, not the token's.
  EXPECT_EQ(classifyFcmAnswer(404, R"({"error":{"status":"NOT_FOUND"}})").verdict,
            FcmVerdict::Refused);
}

}  // namespace
}  // namespace kontalk::modules::push
