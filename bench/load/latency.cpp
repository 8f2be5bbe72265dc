// Scenario (d), latency: random senders send to random peers at a fixed total rate
// (options.rate); each receipt yields one delivery latency from the send time in the body.
// Metric: p50/p99/p99.9/max over the messages sent after the warm-up.

#include <cmath>
#include <limits>

#include "latency_histogram.hpp"
#include "message_traffic.hpp"
#include "run_context.hpp"

namespace kontalk::bench {
namespace {

constexpr double kTickSeconds = 0.002;  // pacing granularity of the offered load

}  // namespace

Awaitable<JsonObject> runLatency(RunContext& context) {
  const Options& options = context.options;
  auto clients = co_await loginSessions(context);
  JsonObject metrics;
  if (clients.empty()) co_return metrics;
  PeerPicker peers(static_cast<std::uint32_t>(clients.size()));
  LatencyHistogram histogram;
  std::int64_t measureFrom = std::numeric_limits<std::int64_t>::max();

  for (auto& client : clients) {
    client->startReceiving([&](std::string_view body) {
      const auto stamp = parseStamp(body);
      if (!stamp) return;
      ++context.counters.delivered;
      if (stamp->sentNanoseconds >= measureFrom) {
        histogram.record(steadyNanoseconds() - stamp->sentNanoseconds);
      }
    });
  }

  const double total = options.warmupSeconds + options.durationSeconds;
  const auto start = Clock::now();
  std::uint64_t sent = 0;
  std::uint64_t measuredSent = 0;
  for (double elapsed = 0; elapsed < total; elapsed = secondsSince(start)) {
    if (elapsed >= options.warmupSeconds &&
        measureFrom == std::numeric_limits<std::int64_t>::max()) {
      measureFrom = steadyNanoseconds();
    }
    const auto due = static_cast<std::uint64_t>(std::floor(options.rate * elapsed));
    for (; sent < due; ++sent) {
      const std::uint32_t sender = peers.any();
      const auto& to = clients[peers.peerOf(sender)]->jid();
      clients[sender]->send(chatMessage(to, {sender, steadyNanoseconds()}, options.bodyBytes));
      ++context.counters.sent;
      if (measureFrom != std::numeric_limits<std::int64_t>::max()) ++measuredSent;
    }
    co_await sleepFor(context, kTickSeconds);
  }
  // Give the last messages time to arrive; what is still missing then counts as lost.
  co_await sleepFor(context, 2.0);

  const auto summary = histogram.summarize();
  metrics.add("offered_per_s", options.rate);
  metrics.add("measured_sent", measuredSent);
  metrics.add("measured_delivered", summary.count);
  metrics.add("latency_p50_ms", summary.p50Ms);
  metrics.add("latency_p99_ms", summary.p99Ms);
  metrics.add("latency_p999_ms", summary.p999Ms);
  metrics.add("latency_max_ms", summary.maxMs);
  closeAll(clients);
  co_return metrics;
}

}  // namespace kontalk::bench
