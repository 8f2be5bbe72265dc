#include "modules/push/fcm_answer.hpp"

#include <nlohmann/json.hpp>

namespace kontalk::modules::push {
namespace {

using nlohmann::json;

constexpr std::string_view kFcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
constexpr std::string_view kBadRequestType = "type.googleapis.com/google.rpc.BadRequest";

std::string stringAt(const json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string fcmMessageBody(std::string_view token) {
  const json message = {{"message",
                         {{"token", token},
                          {"data", {{"action", "org.kontalk.CHECK_MESSAGES"}}},
                          {"android", {{"priority", "high"}, {"collapse_key", "new"}}}}}};
  return message.dump();
}

std::string fcmSendUrl(std::string_view baseUrl, std::string_view projectId) {
  return std::string(baseUrl) + "/v1/projects/" + std::string(projectId) + "/messages:send";
}

FcmAnswer classifyFcmAnswer(long status, std::string_view body) {
  if (status >= 200 && status <= 299) return {FcmVerdict::Done, {}};
  std::string fcmCode;
  bool badRequestDetail = false;
  std::string errorStatus;
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
    const json& error = parsed["error"];
    errorStatus = stringAt(error, "status");
    if (const auto details = error.find("details"); details != error.end() && details->is_array()) {
      for (const auto& detail : *details) {
        if (!detail.is_object()) continue;
        const std::string type = stringAt(detail, "@type");
        if (type == kFcmErrorType && fcmCode.empty()) fcmCode = stringAt(detail, "errorCode");
        if (type == kBadRequestType) badRequestDetail = true;
      }
    }
  }
  const std::string code = !fcmCode.empty() ? fcmCode : errorStatus;
  if ((status == 404 && code == "UNREGISTERED") ||
      (status == 403 && code == "SENDER_ID_MISMATCH") ||
      (status == 400 && fcmCode == "INVALID_ARGUMENT" && !badRequestDetail)) {
    return {FcmVerdict::DeleteToken, code};
  }
  if (status == 401) return {FcmVerdict::RefreshToken, code};
  if (status == 429 || (status >= 500 && status <= 599)) return {FcmVerdict::Retry, code};
  return {FcmVerdict::Refused, code};
}

}  // namespace kontalk::modules::push
