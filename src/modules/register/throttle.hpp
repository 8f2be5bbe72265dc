#pragma once
// Registration throttling (spec §4.5, §0): at most N attempts per window by client address, by
// phone number and by phone prefix. An attempt counts against all three or, when one of them
// is exhausted, against none. Thread-safe.

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kontalk::modules::registration {

using ThrottleClock = std::chrono::steady_clock;

struct AttemptLimit {
  int attempts = 0;  // 0: unlimited
  std::chrono::seconds window{0};

  // "N/SECONDS" (e.g. "3/30"), or "off"; nullopt when malformed.
  static std::optional<AttemptLimit> parse(std::string_view text);
};

// A sliding log of attempt times per key, for one limit. Not thread-safe (Throttle locks).
class AttemptLog {
 public:
  explicit AttemptLog(AttemptLimit limit) : limit_(limit) {}
  bool allows(const std::string& key, ThrottleClock::time_point now);
  void record(const std::string& key, ThrottleClock::time_point now);
  void purge(ThrottleClock::time_point now);
  std::size_t keys() const { return attempts_.size(); }

 private:
  void forgetOld(std::deque<ThrottleClock::time_point>& times, ThrottleClock::time_point now) const;

  AttemptLimit limit_;
  std::map<std::string, std::deque<ThrottleClock::time_point>, std::less<>> attempts_;
};

class Throttle {
 public:
  // Keys each log tracks at most: beyond that (an attack from many addresses or numbers) new
  // keys are refused until old ones age out, so memory stays bounded.
  static constexpr std::size_t kMaxKeysPerLimit = 100000;

  Throttle(AttemptLimit byAddress, AttemptLimit byPhone, AttemptLimit byPrefix,
           std::size_t prefixDigits);

  // Records an attempt of `address` (an IP address) for `phone` (E.164). Returns nullopt when
  // allowed, else which limit refused it ("address", "phone" or "prefix"), for the log.
  std::optional<std::string_view> tryAttempt(const std::string& address, const std::string& phone,
                                             ThrottleClock::time_point now);
  // Forgets attempts older than their window (called periodically).
  void purge(ThrottleClock::time_point now);

 private:
  std::mutex mutex_;
  AttemptLog byAddress_;
  AttemptLog byPhone_;
  AttemptLog byPrefix_;
  std::size_t prefixDigits_;
};

// "203.0.113.7:5222" -> "203.0.113.7", "::1:5222" -> "::1": the address without its port.
std::string addressWithoutPort(std::string_view remoteAddress);

}  // namespace kontalk::modules::registration
