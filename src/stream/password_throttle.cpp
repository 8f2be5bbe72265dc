#include "stream/password_throttle.hpp"

#include <algorithm>

namespace kontalk::stream {
namespace {

constexpr std::string_view kAccountPrefix = "account:";
constexpr std::string_view kSourcePrefix = "source:";

std::string accountKey(std::string_view account) {
  return std::string(kAccountPrefix) + std::string(account);
}

std::string sourceKeyOf(std::string_view source) {
  return std::string(kSourcePrefix) + std::string(source);
}

}  // namespace

std::string PasswordThrottle::sourceKey(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  // One subscriber gets a whole /64 (RFC 6177): counting single addresses would give an
  // attacker 2^64 fresh sources.
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

PasswordThrottle::Clock::duration PasswordThrottle::admit(std::string_view source,
                                                          std::string_view account,
                                                          Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto bySource = sourceKeyOf(source);
  auto longest = waitFor(bySource, settings_.freeFailuresPerAddress, now);
  if (!account.empty()) {
    longest =
        std::max(longest, waitFor(accountKey(account), settings_.freeFailuresPerAccount, now));
  }
  if (longest > Clock::duration::zero()) return longest;
  forgetExpired(now);
  count(bySource, now);
  if (!account.empty()) count(accountKey(account), now);
  return {};
}

void PasswordThrottle::succeeded(std::string_view source, std::string_view account) {
  std::lock_guard lock(mutex_);
  giveBack(sourceKeyOf(source));
  if (auto entry = entries_.find(accountKey(account)); entry != entries_.end()) forget(entry);
}

void PasswordThrottle::undecided(std::string_view source, std::string_view account) {
  std::lock_guard lock(mutex_);
  giveBack(sourceKeyOf(source));
  if (!account.empty()) giveBack(accountKey(account));
}

std::size_t PasswordThrottle::tracked() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

// Failures beyond the free ones wait 1 s, 2 s, 4 s ... up to maxBackoff after the last failure.
PasswordThrottle::Clock::duration PasswordThrottle::waitFor(const std::string& key,
                                                            std::size_t freeFailures,
                                                            Clock::time_point now) const {
  const auto entry = entries_.find(key);
  if (entry == entries_.end() || entry->second.failures < freeFailures) return {};
  if (now - entry->second.lastFailure >= settings_.failureMemory) return {};
  const std::size_t doublings = std::min<std::size_t>(entry->second.failures - freeFailures, 30);
  const auto backoff = std::min<Clock::duration>(
      std::chrono::seconds(1) * (std::int64_t{1} << doublings), settings_.maxBackoff);
  const auto until = entry->second.lastFailure + backoff;
  return until > now ? until - now : Clock::duration{};
}

void PasswordThrottle::count(std::string key, Clock::time_point now) {
  auto entry = entries_.find(key);
  if (entry == entries_.end()) {
    if (entries_.size() >= kMaxTracked) forget(entries_.find(oldest_.front()));
    oldest_.push_back(key);
    entry = entries_.emplace(std::move(key), Entry{0, now, std::prev(oldest_.end())}).first;
  } else {
    oldest_.splice(oldest_.end(), oldest_, entry->second.age);
  }
  ++entry->second.failures;
  entry->second.lastFailure = now;
}

// Failures are given back, never their time: the wait counts from the last one still counted.
void PasswordThrottle::giveBack(const std::string& key) {
  auto entry = entries_.find(key);
  if (entry == entries_.end()) return;  // forgotten meanwhile
  if (entry->second.failures <= 1) {
    forget(entry);
  } else {
    --entry->second.failures;
  }
}

void PasswordThrottle::forget(std::unordered_map<std::string, Entry>::iterator entry) {
  oldest_.erase(entry->second.age);
  entries_.erase(entry);
}

void PasswordThrottle::forgetExpired(Clock::time_point now) {
  while (!oldest_.empty()) {
    auto entry = entries_.find(oldest_.front());
    if (now - entry->second.lastFailure < settings_.failureMemory) break;
    forget(entry);
  }
}

}  // namespace kontalk::stream
