#include "modules/register/checkmobi_provider.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "modules/register/provider_json.hpp"

namespace kontalk::modules::registration {
namespace {

// Longer than any phone number as a service writes it ("+39-06-1234-5678"); bounds what goes
// into the phone step's reply.
constexpr std::size_t kMaxNumberText = 32;

bool isNumberText(std::string_view text) {
  return !text.empty() && text.size() <= kMaxNumberText &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == ' ' || c == '(' ||
                  c == ')';
         });
}

HttpRequest withHeaders(const CheckmobiConfig& config, HttpRequest request) {
  request.headers.push_back("Authorization: " + config.apiKey);
  request.headers.push_back("Accept: application/json");
  if (request.method == HttpRequest::Method::Post) {
    request.headers.push_back("Content-Type: application/json");
  }
  return request;
}

// The JSON answer of a 2xx, or the failure: no usable answer, or a 4xx/5xx (Checkmobi then says
// why in "error").
Result<JsonAnswer> readAnswer(const HttpResponse& response) {
  auto answer = JsonAnswer::parse(response.body);
  if (!isSuccess(response.status)) {
    const std::string why = answer ? answer->text("error").value_or("") : "";
    return tl::unexpected(statusFailure(
        response.status, fmt::format("checkmobi answered HTTP {} {}", response.status, why)));
  }
  if (!answer) {
    return tl::unexpected(providerRefused("checkmobi answered no JSON object"));
  }
  return std::move(*answer);
}

class CheckmobiProvider final : public VerificationProvider {
 public:
  CheckmobiProvider(CheckmobiMethod method, CheckmobiConfig config)
      : method_(method), config_(std::move(config)) {}

  std::string_view name() const override {
    return method_ == CheckmobiMethod::ReverseCallerId ? "checkmobi-missedcall"
                                                       : "checkmobi-callerid";
  }
  std::string_view challengeType() const override {
    return method_ == CheckmobiMethod::ReverseCallerId ? kChallengeMissedCall : kChallengeCallerId;
  }
  // Never shown: start() always names the number (the form's 'from').
  std::string_view senderId() const override { return ""; }
  std::string instructions(std::string_view phone) const override {
    if (method_ == CheckmobiMethod::ReverseCallerId) {
      return fmt::format(
          "A missed call will be placed to {}; enter the last {} digits of the calling number.",
          phone, kMissedCallDigits);
    }
    return "Please call the number shown from " + std::string(phone) +
           ". It will not be answered; wait until it hangs up.";
  }

  StartOutcome start(std::string_view, std::string_view phone) override {
    auto response =
        performHttp(checkmobiStartRequest(method_, config_, phone), {config_.timeout, false});
    if (!response) return tl::unexpected(std::move(response.error()));
    auto outcome = checkmobiStartOutcome(method_, *response);
    if (outcome) spdlog::info("register: {} started validation {}", name(), outcome->handle);
    return outcome;
  }

  CheckOutcome check(std::string_view handle, std::string_view code) override {
    const auto request = checkmobiCheckRequest(method_, config_, handle, code);
    if (!request) return CodeCheck::WrongCode;
    auto response = performHttp(*request, {config_.timeout, false});
    if (!response) return tl::unexpected(std::move(response.error()));
    return checkmobiCheckOutcome(*response);
  }

 private:
  CheckmobiMethod method_;
  CheckmobiConfig config_;
};

}  // namespace

HttpRequest checkmobiStartRequest(CheckmobiMethod method, const CheckmobiConfig& config,
                                  std::string_view phone) {
  HttpRequest request;
  request.method = HttpRequest::Method::Post;
  request.url = config.url + "/validation/request";
  request.body =
      jsonObject({{"number", phone},
                  {"type", method == CheckmobiMethod::ReverseCallerId ? "reverse_cli" : "cli"}});
  return withHeaders(config, std::move(request));
}

std::optional<HttpRequest> checkmobiCheckRequest(CheckmobiMethod method,
                                                 const CheckmobiConfig& config,
                                                 std::string_view requestId,
                                                 std::string_view typed) {
  HttpRequest request;
  if (method == CheckmobiMethod::CallerId) {
    request.method = HttpRequest::Method::Get;
    request.url = config.url + "/validation/status/" + percentEncode(requestId);
    return withHeaders(config, std::move(request));
  }
  // The user may type the whole calling number or just its end, with or without separators.
  std::string digits;
  for (const char c : typed) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() < kMissedCallDigits) return std::nullopt;
  const std::string pin = digits.substr(digits.size() - kMissedCallDigits);
  request.method = HttpRequest::Method::Post;
  request.url = config.url + "/validation/verify";
  request.body = jsonObject({{"id", requestId}, {"pin", pin}});
  return withHeaders(config, std::move(request));
}

StartOutcome checkmobiStartOutcome(CheckmobiMethod method, const HttpResponse& response) {
  auto answer = readAnswer(response);
  if (!answer) return tl::unexpected(std::move(answer.error()));
  auto id = answer->text("id");
  if (!id || !isUsableRequestId(*id)) {
    return tl::unexpected(providerRefused("checkmobi answered no usable id"));
  }
  if (method == CheckmobiMethod::CallerId) {
    auto number = answer->text("dialing_number");
    if (!number || !isNumberText(*number)) {
      return tl::unexpected(providerRefused("checkmobi answered no usable dialing_number"));
    }
    return VerificationStarted{std::move(*id), std::move(*number)};
  }
  // Spec §4.5: the secret digits are shown as '?'. Without a prefix the client still learns
  // how many digits to ask for.
  std::string prefix = answer->text("cli_prefix").value_or("");
  if (!prefix.empty() && !isNumberText(prefix)) {
    return tl::unexpected(providerRefused("checkmobi answered a malformed cli_prefix"));
  }
  return VerificationStarted{std::move(*id), prefix + std::string(kMissedCallDigits, '?')};
}

CheckOutcome checkmobiCheckOutcome(const HttpResponse& response) {
  auto answer = readAnswer(response);
  if (!answer) return tl::unexpected(std::move(answer.error()));
  const auto validated = answer->flag("validated");
  if (!validated) {
    return tl::unexpected(providerRefused("checkmobi answered no \"validated\""));
  }
  return *validated ? CodeCheck::Accepted : CodeCheck::WrongCode;
}

std::unique_ptr<VerificationProvider> makeCheckmobiProvider(CheckmobiMethod method,
                                                            CheckmobiConfig config) {
  return std::make_unique<CheckmobiProvider>(method, std::move(config));
}

}  // namespace kontalk::modules::registration
