// Scenario (b), idle density: hold every session open and idle, then read the server's resident
// memory. Metric: (RSS with the sessions − RSS before connecting) / sessions.

#include <fmt/core.h>

#include "process_rss.hpp"
#include "run_context.hpp"

namespace kontalk::bench {

Awaitable<JsonObject> runIdleDensity(RunContext& context) {
  const Options& options = context.options;
  const auto pid = static_cast<pid_t>(options.serverPid);
  const auto before = pid > 0 ? residentBytes(pid) : std::nullopt;
  const auto start = Clock::now();
  auto clients = co_await loginSessions(context);
  const double loginSeconds = secondsSince(start);
  for (auto& client : clients) client->startReceiving(nullptr);
  // bench/compare waits for this line to read the server's RSS itself (several generators).
  fmt::print(stderr, "idle-density: {} sessions established\n", clients.size());
  // Let the server finish what logins left behind (presence, deferred frees) before measuring.
  co_await sleepFor(context, options.settleSeconds);
  const auto after = pid > 0 ? residentBytes(pid) : std::nullopt;
  std::uint64_t stillOpen = 0;
  for (const auto& client : clients) stillOpen += client->isOpen() ? 1 : 0;

  JsonObject metrics;
  metrics.add("login_elapsed_s", loginSeconds);
  metrics.add("sessions_held", stillOpen);
  if (before && after && stillOpen > 0) {
    metrics.add("server_rss_before_bytes", *before);
    metrics.add("server_rss_after_bytes", *after);
    const double growth = static_cast<double>(*after) - static_cast<double>(*before);
    metrics.add("rss_per_session_bytes", growth / static_cast<double>(stillOpen));
  } else {
    metrics.addNull("rss_per_session_bytes");
  }
  closeAll(clients);
  co_return metrics;
}

}  // namespace kontalk::bench
