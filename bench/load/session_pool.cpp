// Bounded-concurrency login of all accounts, shared by the scenarios.

#include <boost/asio/steady_timer.hpp>

#include "run_context.hpp"

namespace kontalk::bench {
namespace {

std::string sourceAddressFor(const Options& options, std::uint32_t index) {
  if (options.sourceAddresses.empty()) return {};
  return options.sourceAddresses[index % options.sourceAddresses.size()];
}

}  // namespace

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Awaitable<void> sleepFor(RunContext& context, double seconds) {
  asio::steady_timer timer(context.io);
  timer.expires_after(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ignored));
}

std::int64_t steadyNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

Awaitable<void> loginAll(RunContext& context, const ClientSettings& settings,
                         std::function<void(std::shared_ptr<XmppClient>)> onLogin) {
  const Options& options = context.options;
  if (options.sessions == 0) co_return;
  std::uint32_t next = 0;
  std::uint32_t finished = 0;
  const std::uint32_t workers =
      std::max<std::uint32_t>(1, std::min(options.concurrency, options.sessions));
  asio::steady_timer allDone(context.io, Clock::time_point::max());

  // Each worker logs in one account after another; together they keep `workers` logins in flight.
  // The workers only touch this frame's state, which lives until the last one has finished.
  auto worker = [&]() -> Awaitable<void> {
    while (next < options.sessions) {
      const std::uint32_t index = next++;
      auto client = std::make_shared<XmppClient>(context.io, settings, options.firstUser + index,
                                                 sourceAddressFor(options, index));
      if (auto result = co_await client->login(); result) {
        ++context.counters.loginsOk;
        onLogin(std::move(client));
      } else {
        context.counters.recordFailure(result.error());
      }
      if (++finished == options.sessions) allDone.cancel();
    }
  };
  for (std::uint32_t i = 0; i < workers; ++i) asio::co_spawn(context.io, worker(), asio::detached);
  boost::system::error_code ignored;
  co_await allDone.async_wait(asio::redirect_error(use_awaitable, ignored));
}

Awaitable<std::vector<std::shared_ptr<XmppClient>>> loginSessions(RunContext& context) {
  return loginSessions(context, context.settings);
}

Awaitable<std::vector<std::shared_ptr<XmppClient>>> loginSessions(RunContext& context,
                                                                  const ClientSettings& settings) {
  std::vector<std::shared_ptr<XmppClient>> clients;
  clients.reserve(context.options.sessions);
  co_await loginAll(context, settings, [&](std::shared_ptr<XmppClient> client) {
    clients.push_back(std::move(client));
  });
  co_return clients;
}

void closeAll(std::vector<std::shared_ptr<XmppClient>>& clients) {
  for (auto& client : clients) client->close();
}

}  // namespace kontalk::bench
