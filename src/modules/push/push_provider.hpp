#pragma once
// A push provider (spec §8.3): FCM, or the development provider that only logs.
// Threading: send() blocks up to the provider's timeouts: call it from a worker
// (WorkKind::External). Implementations are thread-safe.

#include <chrono>
#include <optional>
#include <string>

namespace kontalk::modules::push {

enum class PushOutcome {
  Sent,
  TokenRejected,  // the provider says the token is dead: delete the registration
  Failed,         // logged; the registration stays; no retry
  Retry,          // the provider is busy or unreachable: try again later
};

struct PushResult {
  PushOutcome outcome = PushOutcome::Sent;
  std::optional<std::chrono::seconds> retryAfter;  // the provider's wish, with Retry
};

class PushProvider {
 public:
  virtual ~PushProvider() = default;
  // Wakes the device holding `token`; `account` names it in log lines.
  virtual PushResult send(const std::string& account, const std::string& token) = 0;
};

}  // namespace kontalk::modules::push
