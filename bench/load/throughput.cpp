// Scenario (c), throughput: every client keeps options.window messages in flight to random online
// peers; a delivery returns one credit to its sender, which sends the next message at once. After
// the warm-up, metric: delivered messages/s over options.durationSeconds.
//
// With options.streamManagement (XEP-0198) "in flight" means "not yet acknowledged by the
// server": each message is followed by <r/>, and the server's <a h/> covering it returns the
// credit. A server that makes a message durable before acknowledging it (kontalkd's
// durable_delivery) thus has that wait on the measured path. Additional metric: the server-ack
// latency, from the send to the <a/> covering the message, of the messages sent while measuring.

#include <deque>
#include <limits>

#include "latency_histogram.hpp"
#include "message_traffic.hpp"
#include "run_context.hpp"

namespace kontalk::bench {
namespace {

constexpr double kAckDrainSeconds = 5;  // after measuring: wait this long for the last <a/>s
constexpr double kAckPollSeconds = 0.01;

// A message the server has not acknowledged yet.
struct Unacknowledged {
  std::uint32_t sequence = 0;  // the sender's stanza count including this message
  std::int64_t sentNanoseconds = 0;
};

}  // namespace

Awaitable<JsonObject> runThroughput(RunContext& context) {
  const Options& options = context.options;
  const bool acked = options.streamManagement;
  auto clients = co_await loginSessions(context);
  JsonObject metrics;
  if (clients.empty()) co_return metrics;
  PeerPicker peers(static_cast<std::uint32_t>(clients.size()));
  bool running = true;
  // Stream management: per sender, its unacknowledged messages in sending order.
  std::vector<std::deque<Unacknowledged>> unacknowledged(acked ? clients.size() : 0);
  std::uint64_t acknowledged = 0;
  std::uint64_t outstanding = 0;  // sum of unacknowledged[*].size()
  LatencyHistogram ackLatency;
  std::int64_t measureFrom = std::numeric_limits<std::int64_t>::max();
  std::int64_t measureUntil = std::numeric_limits<std::int64_t>::max();

  auto sendFrom = [&](std::uint32_t sender) {
    const auto& to = clients[peers.peerOf(sender)]->jid();
    const auto now = steadyNanoseconds();
    const auto sequence =
        clients[sender]->sendStanza(chatMessage(to, {sender, now}, options.bodyBytes));
    if (acked) {
      clients[sender]->requestAcknowledgement();
      unacknowledged[sender].push_back({sequence, now});
      ++outstanding;
    }
    ++context.counters.sent;
  };
  for (std::uint32_t index = 0; index < clients.size(); ++index) {
    clients[index]->startReceiving([&](std::string_view body) {
      const auto stamp = parseStamp(body);
      if (!stamp || stamp->sender >= clients.size()) return;
      ++context.counters.delivered;
      if (running && !acked) sendFrom(stamp->sender);
    });
    if (!acked) continue;
    clients[index]->onAcknowledged([&, index](std::uint32_t handled) {
      auto& pending = unacknowledged[index];
      while (!pending.empty() && pending.front().sequence <= handled) {
        const auto sent = pending.front().sentNanoseconds;
        pending.pop_front();
        --outstanding;
        ++acknowledged;
        if (sent >= measureFrom && sent < measureUntil) {
          ackLatency.record(steadyNanoseconds() - sent);
        }
        if (running) sendFrom(index);
      }
    });
  }
  for (std::uint32_t sender = 0; sender < clients.size(); ++sender) {
    for (std::uint32_t i = 0; i < options.window; ++i) sendFrom(sender);
  }

  co_await sleepFor(context, options.warmupSeconds);
  const std::uint64_t deliveredBefore = context.counters.delivered;
  const std::uint64_t acknowledgedBefore = acknowledged;
  const auto start = Clock::now();
  measureFrom = steadyNanoseconds();
  co_await sleepFor(context, options.durationSeconds);
  const double elapsed = secondsSince(start);
  measureUntil = steadyNanoseconds();
  const std::uint64_t delivered = context.counters.delivered - deliveredBefore;
  const std::uint64_t acknowledgedWhileMeasuring = acknowledged - acknowledgedBefore;
  running = false;

  metrics.add("window", static_cast<std::uint64_t>(options.window));
  metrics.add("measured_s", elapsed);
  metrics.add("delivered", delivered);
  metrics.add("delivered_per_s", static_cast<double>(delivered) / elapsed);
  if (acked) {
    // The messages sent while measuring are acknowledged a little later: wait for them so that
    // the slowest acknowledgements are not cut off.
    const auto drainStart = Clock::now();
    while (outstanding > 0 && secondsSince(drainStart) < kAckDrainSeconds) {
      co_await sleepFor(context, kAckPollSeconds);
    }
    const auto summary = ackLatency.summarize();
    metrics.add("stream_management", true);
    metrics.add("acknowledged", acknowledgedWhileMeasuring);
    metrics.add("acknowledged_per_s", static_cast<double>(acknowledgedWhileMeasuring) / elapsed);
    metrics.add("ack_latency_samples", summary.count);
    metrics.add("ack_latency_p50_ms", summary.p50Ms);
    metrics.add("ack_latency_p99_ms", summary.p99Ms);
    metrics.add("ack_latency_max_ms", summary.maxMs);
    metrics.add("unacknowledged_at_end", outstanding);
  }
  closeAll(clients);
  co_return metrics;
}

}  // namespace kontalk::bench
