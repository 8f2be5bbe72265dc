#pragma once
// A token bucket (rate limit with bursts) for inbound stanzas per connection
// (ARCHITECTURE.md §8).
// Threading: not thread-safe: each connection owns its own and uses it on its shard only.

#include <algorithm>
#include <chrono>

namespace kontalk::net {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double ratePerSecond, double burst, Clock::time_point now)
      : rate_(ratePerSecond), burst_(burst), tokens_(burst), last_(now) {}

  // Takes `count` tokens (the balance may go negative) and returns how long the caller should
  // pause before taking more so that the long-run rate stays at the configured one.
  Clock::duration take(double count, Clock::time_point now) {
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_) - count;
    if (tokens_ >= 0) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(-tokens_ / rate_));
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace kontalk::net
