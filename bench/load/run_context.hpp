#pragma once
// What every scenario works with: the event loop, the options, the shared client settings and
// the counters that the progress line reports.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/asio.hpp"
#include "json_writer.hpp"
#include "options.hpp"
#include "xmpp_client.hpp"

namespace kontalk::bench {

struct Counters {
  std::uint64_t loginsOk = 0;
  std::uint64_t loginsFailed = 0;
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::string firstError;  // the first login failure, for the report

  void recordFailure(const std::string& error) {
    ++loginsFailed;
    if (firstError.empty()) firstError = error;
  }
};

struct RunContext {
  asio::io_context& io;
  const Options& options;
  const ClientSettings& settings;
  const ClientSettings& receiverSettings;  // s2s-throughput: the receivers' server
  Counters counters;
};

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start);
// Waits `seconds` on the context's loop.
Awaitable<void> sleepFor(RunContext& context, double seconds);
// Nanoseconds on the steady clock, the timestamp carried in message bodies.
std::int64_t steadyNanoseconds();

// Logs in all options.sessions accounts on the server of `settings` with at most
// options.concurrency logins in flight and hands each logged-in client to `onLogin`; failures are
// counted in context.counters.
Awaitable<void> loginAll(RunContext& context, const ClientSettings& settings,
                         std::function<void(std::shared_ptr<XmppClient>)> onLogin);
// loginAll() keeping the clients (logged in, not yet receiving); by default on context.settings.
Awaitable<std::vector<std::shared_ptr<XmppClient>>> loginSessions(RunContext& context);
Awaitable<std::vector<std::shared_ptr<XmppClient>>> loginSessions(RunContext& context,
                                                                  const ClientSettings& settings);
// Closes every client.
void closeAll(std::vector<std::shared_ptr<XmppClient>>& clients);

// The scenarios. Each returns its metrics; the caller adds the login counters.
Awaitable<JsonObject> runLoginStorm(RunContext& context);
Awaitable<JsonObject> runIdleDensity(RunContext& context);
Awaitable<JsonObject> runThroughput(RunContext& context);
Awaitable<JsonObject> runLatency(RunContext& context);
Awaitable<JsonObject> runS2sThroughput(RunContext& context);

}  // namespace kontalk::bench
