// Scenario (a), login storm: every account connects, authenticates, binds, sends initial presence
// and leaves again, with options.concurrency logins in flight. Metric: completed logins/s; with
// --server-pid also the server's CPU time per login (read from /proc: on a 2-core machine the
// generator cannot saturate a server core, so logins/s alone says little about the server).
// With --tls-resume a second storm follows in which every account offers the TLS session of its
// first login: the cost of a reconnecting phone's login, reported as resumed_*.

#include <optional>

#include "process_cpu.hpp"
#include "run_context.hpp"

namespace kontalk::bench {
namespace {

struct StormResult {
  double elapsed = 0;
  std::uint64_t logins = 0;
  std::uint64_t resumed = 0;        // logins whose TLS handshake resumed a session
  std::optional<double> serverCpu;  // seconds, when the server's pid is known
};

Awaitable<StormResult> storm(RunContext& context) {
  const auto pid = static_cast<pid_t>(context.options.serverPid);
  const auto cpuBefore = pid > 0 ? cpuSeconds(pid) : std::nullopt;
  const std::uint64_t loginsBefore = context.counters.loginsOk;
  StormResult result;
  const auto start = Clock::now();
  co_await loginAll(context, context.settings, [&](std::shared_ptr<XmppClient> client) {
    if (client->resumedTls()) ++result.resumed;
    client->close();
  });
  result.elapsed = secondsSince(start);
  result.logins = context.counters.loginsOk - loginsBefore;
  // Closing streams still cost the server a little after the last login: let them finish.
  co_await sleepFor(context, 0.5);
  const auto cpuAfter = pid > 0 ? cpuSeconds(pid) : std::nullopt;
  if (cpuBefore && cpuAfter) result.serverCpu = *cpuAfter - *cpuBefore;
  co_return result;
}

void report(JsonObject& metrics, const std::string& prefix, const StormResult& result) {
  metrics.add(prefix + "elapsed_s", result.elapsed);
  metrics.add(prefix + "logins_per_s", static_cast<double>(result.logins) / result.elapsed);
  if (result.serverCpu && result.logins > 0) {
    metrics.add(prefix + "server_cpu_us_per_login",
                *result.serverCpu * 1e6 / static_cast<double>(result.logins));
  }
}

}  // namespace

Awaitable<JsonObject> runLoginStorm(RunContext& context) {
  JsonObject metrics;
  const StormResult full = co_await storm(context);
  report(metrics, "", full);
  if (context.options.tlsResume) {
    const StormResult resumed = co_await storm(context);
    report(metrics, "resumed_", resumed);
    metrics.add("resumed_fraction", resumed.logins > 0 ? static_cast<double>(resumed.resumed) /
                                                             static_cast<double>(resumed.logins)
                                                       : 0.0);
  }
  co_return metrics;
}

}  // namespace kontalk::bench
