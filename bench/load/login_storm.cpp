// Scenario (a), login storm: every account connects, authenticates, binds, sends initial presence
// and leaves again, with options.concurrency logins in flight. Metric: completed logins/s.

#include "run_context.hpp"

namespace kontalk::bench {

Awaitable<JsonObject> runLoginStorm(RunContext& context) {
  const auto start = Clock::now();
  co_await loginAll(context, context.settings,
                    [](std::shared_ptr<XmppClient> client) { client->close(); });
  const double elapsed = secondsSince(start);

  JsonObject metrics;
  metrics.add("elapsed_s", elapsed);
  metrics.add("logins_per_s", static_cast<double>(context.counters.loginsOk) / elapsed);
  co_return metrics;
}

}  // namespace kontalk::bench
