// Scenario (c), throughput: every client keeps options.window messages in flight to random online
// peers; a delivery returns one credit to its sender, which sends the next message at once. After
// the warm-up, metric: delivered messages/s over options.durationSeconds.

#include "message_traffic.hpp"
#include "run_context.hpp"

namespace kontalk::bench {

Awaitable<JsonObject> runThroughput(RunContext& context) {
  const Options& options = context.options;
  auto clients = co_await loginSessions(context);
  JsonObject metrics;
  if (clients.empty()) co_return metrics;
  PeerPicker peers(static_cast<std::uint32_t>(clients.size()));
  bool running = true;

  auto sendFrom = [&](std::uint32_t sender) {
    const auto& to = clients[peers.peerOf(sender)]->jid();
    clients[sender]->send(chatMessage(to, {sender, steadyNanoseconds()}, options.bodyBytes));
    ++context.counters.sent;
  };
  for (auto& client : clients) {
    client->startReceiving([&](std::string_view body) {
      const auto stamp = parseStamp(body);
      if (!stamp || stamp->sender >= clients.size()) return;
      ++context.counters.delivered;
      if (running) sendFrom(stamp->sender);
    });
  }
  for (std::uint32_t sender = 0; sender < clients.size(); ++sender) {
    for (std::uint32_t i = 0; i < options.window; ++i) sendFrom(sender);
  }

  co_await sleepFor(context, options.warmupSeconds);
  const std::uint64_t deliveredBefore = context.counters.delivered;
  const auto start = Clock::now();
  co_await sleepFor(context, options.durationSeconds);
  const double elapsed = secondsSince(start);
  const std::uint64_t delivered = context.counters.delivered - deliveredBefore;
  running = false;

  metrics.add("window", static_cast<std::uint64_t>(options.window));
  metrics.add("measured_s", elapsed);
  metrics.add("delivered", delivered);
  metrics.add("delivered_per_s", static_cast<double>(delivered) / elapsed);
  closeAll(clients);
  co_return metrics;
}

}  // namespace kontalk::bench
