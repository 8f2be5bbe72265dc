// Scenario (e), s2s throughput: options.sessions senders log in to the server at --host/--port
// (domain --domain) and as many receivers, with the same account names, to a second server
// (--receiver-host/--receiver-port/--receiver-domain) that the first federates with. Sender i
// keeps options.window messages in flight to receiver i's full JID, so every message crosses the
// servers' s2s link; a delivery returns the credit to its sender, like the throughput scenario.
//
// The first messages make the senders' server set the link up (STARTTLS, dialback or SASL
// EXTERNAL), so the warm-up starts with the first delivery. Then, over options.durationSeconds:
// delivered messages/s, the delivery latency (a closed loop at saturation: mostly queueing), the
// senders that got nothing through, the CPU the generator and the two servers used, as a share
// of one core (--server-pid, --receiver-server-pid), and how busy each CPU was in all. Afterwards
// the messages in flight get kDrainSeconds to arrive; what does not is reported as
// undelivered_at_end.

#include <unistd.h>
#include <algorithm>
#include <optional>

#include "latency_histogram.hpp"
#include "message_traffic.hpp"
#include "process_cpu.hpp"
#include "run_context.hpp"

namespace kontalk::bench {
namespace {

constexpr double kLinkSetupSeconds = 30;  // for the first message to cross
constexpr double kDrainSeconds = 5;       // after measuring: for the messages in flight
constexpr double kPollSeconds = 0.01;

// CPU seconds of one process from the start of the measured window.
class CpuShare {
 public:
  explicit CpuShare(pid_t pid) : pid_(pid), start_(pid > 0 ? cpuSeconds(pid) : std::nullopt) {}
  // Percent of one core over `elapsed` seconds; null when the process was not given or is gone.
  void report(JsonObject& metrics, std::string_view key, double elapsed) const {
    const auto end = start_ ? cpuSeconds(pid_) : std::nullopt;
    if (end && elapsed > 0) {
      metrics.add(key, 100 * (*end - *start_) / elapsed);
    } else {
      metrics.addNull(key);
    }
  }

 private:
  pid_t pid_;
  std::optional<double> start_;
};

}  // namespace

Awaitable<JsonObject> runS2sThroughput(RunContext& context) {
  const Options& options = context.options;
  auto senders = co_await loginSessions(context);
  auto receivers = co_await loginSessions(context, context.receiverSettings);
  JsonObject metrics;
  const auto pairs = static_cast<std::uint32_t>(std::min(senders.size(), receivers.size()));
  metrics.add("pairs", static_cast<std::uint64_t>(pairs));
  metrics.add("window", static_cast<std::uint64_t>(options.window));
  bool running = true;
  bool measuring = false;
  LatencyHistogram latency;
  std::vector<std::uint64_t> measuredPerSender(pairs, 0);

  auto sendFrom = [&](std::uint32_t sender) {
    const auto& to = receivers[sender]->jid();
    senders[sender]->send(chatMessage(to, {sender, steadyNanoseconds()}, options.bodyBytes));
    ++context.counters.sent;
  };
  // Senders only send, but read what their server sends them (presence, pings) all the same.
  for (auto& sender : senders) sender->startReceiving(nullptr);
  for (std::uint32_t index = 0; index < pairs; ++index) {
    receivers[index]->startReceiving([&](std::string_view body) {
      const auto stamp = parseStamp(body);
      if (!stamp || stamp->sender >= pairs) return;
      ++context.counters.delivered;
      if (measuring) {
        ++measuredPerSender[stamp->sender];
        latency.record(steadyNanoseconds() - stamp->sentNanoseconds);
      }
      if (running) sendFrom(stamp->sender);
    });
  }

  const auto firstSend = Clock::now();
  for (std::uint32_t sender = 0; sender < pairs; ++sender) {
    for (std::uint32_t i = 0; i < options.window; ++i) sendFrom(sender);
  }
  while (pairs > 0 && context.counters.delivered == 0 &&
         secondsSince(firstSend) < kLinkSetupSeconds) {
    co_await sleepFor(context, kPollSeconds);
  }
  if (context.counters.delivered == 0) {
    metrics.add("error", "no message crossed the s2s link within 30 s");
    closeAll(senders);
    closeAll(receivers);
    co_return metrics;
  }
  metrics.add("link_setup_s", secondsSince(firstSend));

  co_await sleepFor(context, options.warmupSeconds);
  const std::uint64_t deliveredBefore = context.counters.delivered;
  const CpuShare generatorCpu(getpid());
  const CpuShare senderServerCpu(static_cast<pid_t>(options.serverPid));
  const CpuShare receiverServerCpu(static_cast<pid_t>(options.receiverServerPid));
  const auto busyBefore = busySecondsPerCpu();
  const auto start = Clock::now();
  measuring = true;
  co_await sleepFor(context, options.durationSeconds);
  measuring = false;
  const double elapsed = secondsSince(start);
  const std::uint64_t delivered = context.counters.delivered - deliveredBefore;
  metrics.add("measured_s", elapsed);
  metrics.add("delivered", delivered);
  metrics.add("delivered_per_s", static_cast<double>(delivered) / elapsed);
  generatorCpu.report(metrics, "generator_cpu_percent", elapsed);
  senderServerCpu.report(metrics, "sender_server_cpu_percent", elapsed);
  receiverServerCpu.report(metrics, "receiver_server_cpu_percent", elapsed);
  const auto busyAfter = busySecondsPerCpu();
  for (std::size_t cpu = 0; cpu < busyBefore.size() && cpu < busyAfter.size(); ++cpu) {
    metrics.add("cpu" + std::to_string(cpu) + "_busy_percent",
                100 * (busyAfter[cpu] - busyBefore[cpu]) / elapsed);
  }
  const auto summary = latency.summarize();
  metrics.add("latency_p50_ms", summary.p50Ms);
  metrics.add("latency_p99_ms", summary.p99Ms);
  metrics.add("latency_max_ms", summary.maxMs);
  metrics.add("idle_senders",
              static_cast<std::uint64_t>(std::count(measuredPerSender.begin(),
                                                    measuredPerSender.end(), std::uint64_t{0})));

  running = false;
  const auto drainStart = Clock::now();
  while (context.counters.delivered < context.counters.sent &&
         secondsSince(drainStart) < kDrainSeconds) {
    co_await sleepFor(context, kPollSeconds);
  }
  metrics.add("undelivered_at_end", context.counters.sent - context.counters.delivered);
  closeAll(senders);
  closeAll(receivers);
  co_return metrics;
}

}  // namespace kontalk::bench
