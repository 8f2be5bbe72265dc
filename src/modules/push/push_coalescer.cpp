#include "modules/push/push_coalescer.hpp"

#include <algorithm>

namespace kontalk::modules::push {
namespace {

constexpr auto kRateWindow = std::chrono::minutes(1);

}  // namespace

bool PushCoalescer::takeRate(Entry& entry, Clock::time_point now) const {
  if (entry.inWindow == 0 || now - entry.windowStart >= kRateWindow) {
    entry.windowStart = now;
    entry.inWindow = 0;
  }
  if (entry.inWindow >= limits_.perMinute) return false;
  ++entry.inWindow;
  return true;
}

PushCoalescer::Verdict PushCoalescer::trigger(const std::string& account, Clock::time_point now) {
  auto found = entries_.find(account);
  if (found == entries_.end()) {
    if (entries_.size() >= limits_.maxAccounts) prune(now);
    if (entries_.size() >= limits_.maxAccounts) return Verdict::TooManyAccounts;
    Entry entry;
    takeRate(entry, now);  // a fresh window always has room
    entry.lastPush = now;
    entries_.emplace(account, entry);
    return Verdict::PushNow;
  }
  Entry& entry = found->second;
  if (now - entry.lastPush < limits_.minInterval) {
    entry.followUp = true;
    return Verdict::Deferred;
  }
  if (!takeRate(entry, now)) return Verdict::RateLimited;
  entry.lastPush = now;
  entry.followUp = false;
  return Verdict::PushNow;
}

std::vector<std::string> PushCoalescer::takeDue(Clock::time_point now) {
  std::vector<std::string> due;
  for (auto& [account, entry] : entries_) {
    if (!entry.followUp || now - entry.lastPush < limits_.minInterval) continue;
    entry.followUp = false;
    if (!takeRate(entry, now)) continue;
    entry.lastPush = now;
    due.push_back(account);
  }
  return due;
}

void PushCoalescer::prune(Clock::time_point now) {
  const auto forgetAfter = std::max<Clock::duration>(limits_.minInterval, kRateWindow);
  std::erase_if(entries_, [&](const auto& item) {
    const Entry& entry = item.second;
    return !entry.followUp && now - entry.lastPush >= forgetAfter &&
           now - entry.windowStart >= kRateWindow;
  });
}

}  // namespace kontalk::modules::push
