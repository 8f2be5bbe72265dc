#pragma once
// Registration throttling (spec §4.5, §0): verification requests (the phone step) by client
// address, by phone number and by phone prefix; code submissions (the code step) by client address
// and by the account the submitted key claims.
// Threading: every method of Throttle and CodeThrottle may be called from any thread (one mutex
// each); AttemptLog is not thread-safe (they hold their mutex around it).

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
  // allowed, else which limit refused it ("address", "phone" or "prefix"), for the log. An
  // attempt counts against all three limits or, when one of them refuses it, against none.
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

// Code submissions (spec §4.2), checked before any work is done for one: every submission the
// server reads counts against its client address (checked before it is read), and every one that
// names an account counts against that account too.
class CodeThrottle {
 public:
  CodeThrottle(AttemptLimit byAddress, AttemptLimit byUser);

  // Records a submission from `address`; "address" when its limit refused it.
  std::optional<std::string_view> tryAddress(const std::string& address,
                                             ThrottleClock::time_point now);
  // Records a submission for the account `username` (a JID's localpart); "user" when refused.
  std::optional<std::string_view> tryUser(const std::string& username,
                                          ThrottleClock::time_point now);
  void purge(ThrottleClock::time_point now);

 private:
  std::optional<std::string_view> tryLog(AttemptLog& log, const std::string& key,
                                         ThrottleClock::time_point now, std::string_view name);

  std::mutex mutex_;
  AttemptLog byAddress_;
  AttemptLog byUser_;
};

// "203.0.113.7:5222" -> "203.0.113.7", "::1:5222" -> "::1": the address without its port.
std::string addressWithoutPort(std::string_view remoteAddress);

}  // namespace kontalk::modules::registration
