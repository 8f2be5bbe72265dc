#include "modules/push/fcm_provider.hpp"

#include <spdlog/spdlog.h>

#include "base/http_call.hpp"
#include "base/unix_time.hpp"
#include "modules/push/fcm_answer.hpp"

namespace kontalk::modules::push {
namespace {

// Spec §8.3: the token is used until 60 s before expires_in ends.
constexpr auto kRenewMargin = std::chrono::seconds(60);

}  // namespace

FcmProvider::FcmProvider(ServiceAccount account, std::string baseUrl, std::chrono::seconds timeout)
    : account_(std::move(account)),
      sendUrl_(fcmSendUrl(baseUrl, account_.projectId)),
      timeout_(timeout) {
  base::initHttpCalls();
}

Result<std::string> FcmProvider::accessToken(bool renew) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!renew && !accessToken_.empty() && now < renewAt_) return accessToken_;
  auto assertion = makeAssertion(account_, base::unixNow());
  if (!assertion) return tl::unexpected(assertion.error());
  base::HttpRequest request;
  request.method = base::HttpRequest::Method::Post;
  request.url = account_.tokenUri;
  // "Expect:" drops curl's 100-continue round trip for bodies over 1 KiB (the assertion is).
  request.headers = {"Content-Type: application/x-www-form-urlencoded", "Expect:"};
  request.body = tokenRequestBody(*assertion);
  auto response = base::performHttp(request, {timeout_, false});
  if (!response) return tl::unexpected(response.error());
  if (!base::isSuccess(response->status)) {
    return failure(response->status >= 500 ? StatusCode::Unavailable : StatusCode::PermissionDenied,
                   "the token endpoint answered " + std::to_string(response->status));
  }
  auto answer = readTokenAnswer(response->body);
  if (!answer) return tl::unexpected(answer.error());
  accessToken_ = answer->token;
  renewAt_ = now + std::max(answer->expiresIn - kRenewMargin, std::chrono::seconds(0));
  spdlog::debug("push: FCM access token valid for {} s", answer->expiresIn.count());
  return accessToken_;
}

PushResult FcmProvider::send(const std::string& account, const std::string& token) {
  // Spec §8.3: a 401 fetches a new access token and retries once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto bearer = accessToken(attempt > 0);
    if (!bearer) {
      spdlog::warn("push: no FCM access token: {}", bearer.error().message);
      return {bearer.error().isTransient() ? PushOutcome::Retry : PushOutcome::Failed,
              std::nullopt};
    }
    base::HttpRequest request;
    request.method = base::HttpRequest::Method::Post;
    request.url = sendUrl_;
    request.headers = {"Authorization: Bearer " + *bearer, "Content-Type: application/json",
                       "Expect:"};
    request.body = fcmMessageBody(token);
    auto response = base::performHttp(request, {timeout_, false});
    if (!response) {
      spdlog::info("push: FCM for {}: {}", account, response.error().message);
      return {PushOutcome::Retry, std::nullopt};
    }
    const FcmAnswer answer = classifyFcmAnswer(response->status, response->body);
    switch (answer.verdict) {
      case FcmVerdict::Done:
        spdlog::debug("push: FCM push to {} sent", account);
        return {PushOutcome::Sent, std::nullopt};
      case FcmVerdict::DeleteToken:
        spdlog::info("push: FCM rejected the token of {} ({} {})", account, response->status,
                     answer.code);
        return {PushOutcome::TokenRejected, std::nullopt};
      case FcmVerdict::Refused:
        spdlog::error("push: FCM refused our request for {} ({} {})", account, response->status,
                      answer.code);
        return {PushOutcome::Failed, std::nullopt};
      case FcmVerdict::RefreshToken:
        spdlog::info("push: FCM refused the access token (401); fetching a new one");
        continue;
      case FcmVerdict::Retry:
        spdlog::info("push: FCM busy for {} ({} {})", account, response->status, answer.code);
        return {PushOutcome::Retry, response->retryAfter};
    }
  }
  spdlog::error("push: FCM refused a fresh access token for {}", account);
  return {PushOutcome::Failed, std::nullopt};
}

}  // namespace kontalk::modules::push
