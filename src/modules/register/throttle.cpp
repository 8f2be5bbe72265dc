#include "modules/register/throttle.hpp"

#include <charconv>

namespace kontalk::modules::registration {
namespace {

std::optional<int> parseNumber(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<AttemptLimit> AttemptLimit::parse(std::string_view text) {
  if (text == "off") return AttemptLimit{};
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto attempts = parseNumber(text.substr(0, slash));
  const auto seconds = parseNumber(text.substr(slash + 1));
  if (!attempts || !seconds || *attempts == 0 || *seconds == 0) return std::nullopt;
  return AttemptLimit{*attempts, std::chrono::seconds(*seconds)};
}

void AttemptLog::forgetOld(std::deque<ThrottleClock::time_point>& times,
                           ThrottleClock::time_point now) const {
  while (!times.empty() && times.front() + limit_.window <= now) times.pop_front();
}

bool AttemptLog::allows(const std::string& key, ThrottleClock::time_point now) {
  if (limit_.attempts == 0) return true;
  const auto found = attempts_.find(key);
  if (found == attempts_.end()) {
    if (attempts_.size() >= Throttle::kMaxKeysPerLimit) purge(now);
    return attempts_.size() < Throttle::kMaxKeysPerLimit;
  }
  forgetOld(found->second, now);
  return found->second.size() < static_cast<std::size_t>(limit_.attempts);
}

void AttemptLog::record(const std::string& key, ThrottleClock::time_point now) {
  if (limit_.attempts == 0) return;
  attempts_[key].push_back(now);
}

void AttemptLog::purge(ThrottleClock::time_point now) {
  for (auto entry = attempts_.begin(); entry != attempts_.end();) {
    forgetOld(entry->second, now);
    entry = entry->second.empty() ? attempts_.erase(entry) : std::next(entry);
  }
}

Throttle::Throttle(AttemptLimit byAddress, AttemptLimit byPhone, AttemptLimit byPrefix,
                   std::size_t prefixDigits)
    : byAddress_(byAddress), byPhone_(byPhone), byPrefix_(byPrefix), prefixDigits_(prefixDigits) {}

std::optional<std::string_view> Throttle::tryAttempt(const std::string& address,
                                                     const std::string& phone,
                                                     ThrottleClock::time_point now) {
  // phone is "+" and digits: the prefix is the first prefixDigits_ digits.
  const std::string prefix = phone.substr(0, 1 + prefixDigits_);
  std::lock_guard lock(mutex_);
  if (!byAddress_.allows(address, now)) return "address";
  if (!byPhone_.allows(phone, now)) return "phone";
  if (!byPrefix_.allows(prefix, now)) return "prefix";
  byAddress_.record(address, now);
  byPhone_.record(phone, now);
  byPrefix_.record(prefix, now);
  return std::nullopt;
}

void Throttle::purge(ThrottleClock::time_point now) {
  std::lock_guard lock(mutex_);
  byAddress_.purge(now);
  byPhone_.purge(now);
  byPrefix_.purge(now);
}

CodeThrottle::CodeThrottle(AttemptLimit byAddress, AttemptLimit byUser)
    : byAddress_(byAddress), byUser_(byUser) {}

std::optional<std::string_view> CodeThrottle::tryLog(AttemptLog& log, const std::string& key,
                                                     ThrottleClock::time_point now,
                                                     std::string_view name) {
  std::lock_guard lock(mutex_);
  if (!log.allows(key, now)) return name;
  log.record(key, now);
  return std::nullopt;
}

std::optional<std::string_view> CodeThrottle::tryAddress(const std::string& address,
                                                         ThrottleClock::time_point now) {
  return tryLog(byAddress_, address, now, "address");
}

std::optional<std::string_view> CodeThrottle::tryUser(const std::string& username,
                                                      ThrottleClock::time_point now) {
  return tryLog(byUser_, username, now, "user");
}

void CodeThrottle::purge(ThrottleClock::time_point now) {
  std::lock_guard lock(mutex_);
  byAddress_.purge(now);
  byUser_.purge(now);
}

std::string addressWithoutPort(std::string_view remoteAddress) {
  const auto colon = remoteAddress.rfind(':');
  return std::string(colon == std::string_view::npos ? remoteAddress
                                                     : remoteAddress.substr(0, colon));
}

}  // namespace kontalk::modules::registration
