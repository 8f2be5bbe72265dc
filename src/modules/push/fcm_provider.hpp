#pragma once
// The FCM HTTP v1 provider (spec §8.3): an access token from the service-account flow, cached
// until 60 s before it expires, and one data message per push; the answer table decides what
// happens to the registration. Retries with back-off are the module's (push_queue.hpp): a
// worker never sleeps here.
// Threading: send() blocks up to twice fcm_timeout per HTTP exchange (token, message); call it
// from a worker (WorkKind::External). Thread-safe: token fetches are single-flight.

#include <chrono>
#include <mutex>
#include <string>

#include "base/status.hpp"
#include "modules/push/fcm_credentials.hpp"
#include "modules/push/push_provider.hpp"

namespace kontalk::modules::push {

class FcmProvider final : public PushProvider {
 public:
  FcmProvider(ServiceAccount account, std::string baseUrl, std::chrono::seconds timeout);

  PushResult send(const std::string& account, const std::string& token) override;

 private:
  // The cached access token, or a new one when it is about to expire or `renew` (after a 401).
  Result<std::string> accessToken(bool renew);

  const ServiceAccount account_;
  const std::string sendUrl_;
  const std::chrono::seconds timeout_;
  std::mutex mutex_;  // guards the cache, held across a fetch (single-flight)
  std::string accessToken_;
  std::chrono::steady_clock::time_point renewAt_;
};

}  // namespace kontalk::modules::push
