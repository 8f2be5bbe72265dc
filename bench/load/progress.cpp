#include "progress.hpp"

#include <fmt/core.h>

namespace kontalk::bench {

Awaitable<void> reportProgress(RunContext& context, const bool& done) {
  const auto start = Clock::now();
  Counters previous = context.counters;
  while (!done) {
    co_await sleepFor(context, 1.0);
    if (done) break;
    const Counters& now = context.counters;
    fmt::print(stderr,
               "[{:6.1f}s] {}: logins {} (+{}/s) failed {} | sent {} (+{}/s) delivered {} "
               "(+{}/s)\n",
               secondsSince(start), scenarioName(context.options.scenario), now.loginsOk,
               now.loginsOk - previous.loginsOk, now.loginsFailed, now.sent,
               now.sent - previous.sent, now.delivered, now.delivered - previous.delivered);
    previous = now;
  }
}

}  // namespace kontalk::bench
