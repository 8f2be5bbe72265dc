#pragma once
// Coalescing of push triggers per account (spec §8.3): the first trigger pushes at once; further
// triggers within min_interval give one more push when it ends. A fixed one-minute window bounds
// the pushes of one account, and the table of accounts is bounded too: a flood of messages to
// many sleeping accounts costs memory up to max_tracked_accounts, then triggers are dropped.
// Pure: the caller passes the time.
// Threading: not thread-safe; the module holds a mutex.

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace kontalk::modules::push {

class PushCoalescer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    Clock::duration minInterval = std::chrono::seconds(10);
    std::size_t perMinute = 12;
    std::size_t maxAccounts = 100'000;
  };

  enum class Verdict {
    PushNow,          // push now (counted as sent)
    Deferred,         // a push follows when min_interval ends (takeDue)
    RateLimited,      // the account had its pushes this minute
    TooManyAccounts,  // the table is full
  };

  explicit PushCoalescer(Limits limits) : limits_(limits) {}

  Verdict trigger(const std::string& account, Clock::time_point now);
  // The accounts whose deferred push is due at `now`, counted as sent (within the rate); the
  // caller still checks whether the account became reachable meanwhile (then it sends nothing).
  std::vector<std::string> takeDue(Clock::time_point now);
  // Forgets accounts with nothing deferred whose last push is older than both the interval and
  // the rate window: they would be treated like new ones anyway.
  void prune(Clock::time_point now);
  std::size_t trackedAccounts() const { return entries_.size(); }
  bool isTracked(const std::string& account) const { return entries_.contains(account); }

 private:
  struct Entry {
    Clock::time_point lastPush;
    bool followUp = false;
    Clock::time_point windowStart;
    std::size_t inWindow = 0;
  };
  // Counts a push in the account's minute; false when the minute is used up.
  bool takeRate(Entry& entry, Clock::time_point now) const;

  Limits limits_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace kontalk::modules::push
