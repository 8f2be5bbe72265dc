#include "modules/register/verify_api_provider.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "modules/register/provider_json.hpp"

namespace kontalk::modules::registration {
namespace {

// The original server asked for 6-digit codes (VerificationRepository.VERIFICATION_CODE_LENGTH).
constexpr std::string_view kCodeLength = "6";

// Statuses both dialects share (Nexmo Verify API; JMP's BaseResult copies them).
constexpr std::int64_t kStatusOk = 0;
constexpr std::int64_t kStatusThrottled = 1;
constexpr std::int64_t kStatusConcurrentRequest = 10;
constexpr std::int64_t kStatusInvalidCode = 16;
// The service's internal error: Nexmo says 5, JMP says 2.
std::int64_t internalErrorStatus(VerifyApiDialect dialect) {
  return dialect == VerifyApiDialect::Vonage ? 5 : 2;
}

std::string_view dialectName(VerifyApiDialect dialect) {
  return dialect == VerifyApiDialect::Vonage ? "vonage" : "jmp";
}

// The services take E.164 digits without the '+' (Nexmo: "447700900000").
std::string_view withoutPlus(std::string_view phone) {
  return phone.starts_with('+') ? phone.substr(1) : phone;
}

HttpRequest makeRequest(VerifyApiDialect dialect, const VerifyApiConfig& config,
                        std::string_view path,
                        const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
  HttpRequest request;
  request.headers.push_back("Accept: application/json");
  if (dialect == VerifyApiDialect::Vonage) {
    request.method = HttpRequest::Method::Post;
    request.url = config.url + std::string(path);
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.body = formEncode(fields);
  } else {
    request.method = HttpRequest::Method::Get;
    request.url = config.url + std::string(path) + "?" + formEncode(fields);
  }
  return request;
}

// The status the service answered, or the failure when there is none to read. 5xx is transient
// whatever the body says; a 4xx with a status in its body is judged by that status (the JMP
// client reads error bodies as results).
Result<std::pair<std::int64_t, JsonAnswer>> readStatus(VerifyApiDialect dialect,
                                                       const HttpResponse& response) {
  const std::string answered =
      fmt::format("{} answered HTTP {}", dialectName(dialect), response.status);
  if (response.status >= 500) return tl::unexpected(statusFailure(response.status, answered));
  auto answer = JsonAnswer::parse(response.body);
  const auto status = answer ? answer->integer("status") : std::nullopt;
  if (!status) {
    // Not 5xx: a permanent failure whether or not the HTTP status says so.
    return tl::unexpected(providerRefused(answered + " without a status"));
  }
  return std::pair{*status, std::move(*answer)};
}

Status statusError(VerifyApiDialect dialect, std::int64_t status, const JsonAnswer& answer) {
  std::string detail = fmt::format("{} status {}: {}", dialectName(dialect), status,
                                   answer.text("error_text").value_or("(no error_text)"));
  if (status == kStatusThrottled || status == internalErrorStatus(dialect)) {
    return providerUnavailable(std::move(detail));
  }
  return providerRefused(std::move(detail));
}

class VerifyApiProvider final : public VerificationProvider {
 public:
  VerifyApiProvider(VerifyApiDialect dialect, VerifyApiConfig config)
      : dialect_(dialect), config_(std::move(config)) {}

  std::string_view name() const override { return dialectName(dialect_); }
  std::string_view challengeType() const override { return kChallengePin; }
  std::string_view senderId() const override { return config_.senderId; }
  std::string instructions(std::string_view phone) const override {
    return "A text message with a verification code will be sent to " + std::string(phone) + ".";
  }

  StartOutcome start(std::string_view, std::string_view phone) override {
    const HttpRequest request = verifyApiStartRequest(dialect_, config_, phone);
    auto response = performHttp(request, {config_.timeout, false});
    if (!response) return tl::unexpected(std::move(response.error()));
    auto outcome = verifyApiStartOutcome(dialect_, *response);
    if (outcome) spdlog::info("register: {} started verification {}", name(), outcome->handle);
    return outcome;
  }

  CheckOutcome check(std::string_view handle, std::string_view code) override {
    // An empty code cannot be right, and the services refuse it as a malformed request.
    if (code.empty()) return CodeCheck::WrongCode;
    const HttpRequest request = verifyApiCheckRequest(dialect_, config_, handle, code);
    auto response = performHttp(request, {config_.timeout, false});
    if (!response) return tl::unexpected(std::move(response.error()));
    return verifyApiCheckOutcome(dialect_, *response);
  }

 private:
  VerifyApiDialect dialect_;
  VerifyApiConfig config_;
};

}  // namespace

HttpRequest verifyApiStartRequest(VerifyApiDialect dialect, const VerifyApiConfig& config,
                                  std::string_view phone) {
  std::vector<std::pair<std::string_view, std::string_view>> fields{
      {"api_key", config.apiKey},
      {"api_secret", config.apiSecret},
      {"number", withoutPlus(phone)},
      {"brand", config.brand},
  };
  if (dialect == VerifyApiDialect::Vonage) {
    // As the original server's Nexmo client sent them: our sender id and 6-digit codes.
    if (!config.senderId.empty()) fields.emplace_back("sender_id", config.senderId);
    fields.emplace_back("code_length", kCodeLength);
    return makeRequest(dialect, config, "/verify/json", fields);
  }
  return makeRequest(dialect, config, "/verify", fields);
}

HttpRequest verifyApiCheckRequest(VerifyApiDialect dialect, const VerifyApiConfig& config,
                                  std::string_view requestId, std::string_view code) {
  const std::vector<std::pair<std::string_view, std::string_view>> fields{
      {"api_key", config.apiKey},
      {"api_secret", config.apiSecret},
      {"request_id", requestId},
      {"code", code},
  };
  return makeRequest(dialect, config,
                     dialect == VerifyApiDialect::Vonage ? "/verify/check/json" : "/verify/check",
                     fields);
}

StartOutcome verifyApiStartOutcome(VerifyApiDialect dialect, const HttpResponse& response) {
  auto status = readStatus(dialect, response);
  if (!status) return tl::unexpected(std::move(status.error()));
  const auto& [code, answer] = *status;
  if (code == kStatusOk) {
    auto id = answer.text("request_id");
    if (!id || !isUsableRequestId(*id)) {
      return tl::unexpected(providerRefused(
          fmt::format("{} answered status 0 without a usable request_id", dialectName(dialect))));
    }
    return VerificationStarted{std::move(*id), std::nullopt};
  }
  // Spec §4.5: JMP's "concurrent request" is a throttle; for Vonage it is one more error
  // (the original server fell back on it).
  if (dialect == VerifyApiDialect::Jmp && code == kStatusConcurrentRequest) {
    return tl::unexpected(providerBusy(fmt::format(
        "jmp status 10: {}", answer.text("error_text").value_or("concurrent request"))));
  }
  return tl::unexpected(statusError(dialect, code, answer));
}

CheckOutcome verifyApiCheckOutcome(VerifyApiDialect dialect, const HttpResponse& response) {
  auto status = readStatus(dialect, response);
  if (!status) return tl::unexpected(std::move(status.error()));
  const auto& [code, answer] = *status;
  if (code == kStatusOk) return CodeCheck::Accepted;
  if (code == kStatusInvalidCode) return CodeCheck::WrongCode;
  // Everything else (17: too many wrong codes, 6 or 101: no such request) ends the verification,
  // unless the service was only busy.
  return tl::unexpected(statusError(dialect, code, answer));
}

std::unique_ptr<VerificationProvider> makeVerifyApiProvider(VerifyApiDialect dialect,
                                                            VerifyApiConfig config) {
  return std::make_unique<VerifyApiProvider>(dialect, std::move(config));
}

}  // namespace kontalk::modules::registration
