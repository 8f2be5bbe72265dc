// xmpp-load: the benchmark's load generator. Thin: parse the command line, set up TLS and the
// SCRAM cache, run one scenario on one event loop, print the JSON result on standard output.

#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>

#include <boost/asio/ip/tcp.hpp>

#include "command_line.hpp"
#include "file_limit.hpp"
#include "progress.hpp"
#include "run_context.hpp"
#include "tls_client_context.hpp"
#include "tls_session_store.hpp"

namespace kontalk::bench {
namespace {

Awaitable<JsonObject> runScenario(RunContext& context) {
  switch (context.options.scenario) {
    case Scenario::LoginStorm:
      return runLoginStorm(context);
    case Scenario::IdleDensity:
      return runIdleDensity(context);
    case Scenario::Throughput:
      return runThroughput(context);
    case Scenario::Latency:
      return runLatency(context);
    case Scenario::S2sThroughput:
      return runS2sThroughput(context);
  }
  return runLoginStorm(context);
}

int run(const Options& options) {
  // A server that closes a connection while we write must cost one session, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  const auto openFiles = raiseOpenFileLimit();
  // s2s-throughput logs in every account twice: as sender and as receiver.
  const std::uint64_t connections =
      std::uint64_t{options.sessions} * (options.scenario == Scenario::S2sThroughput ? 2 : 1);
  if (openFiles < connections + 64) {
    std::cerr << "xmpp-load: " << connections << " connections need more than the open-file "
              << "limit of " << openFiles << "; split them over several processes\n";
    return 2;
  }
  auto tls = makeClientTlsContext(options.clientCertificate, options.clientKey);
  if (!tls) {
    std::cerr << "xmpp-load: " << tls.error() << "\n";
    return 2;
  }
  std::optional<SaltedPasswordCache> saltedPasswords;
  if (!options.saltedPasswordFile.empty()) {
    auto loaded = SaltedPasswordCache::load(options.saltedPasswordFile);
    if (!loaded) {
      std::cerr << "xmpp-load: " << loaded.error() << "\n";
      return 2;
    }
    saltedPasswords = std::move(*loaded);
  }
  boost::system::error_code error;
  const auto address = asio::ip::make_address(options.host, error);
  if (error) {
    std::cerr << "xmpp-load: bad server address " << options.host << "\n";
    return 2;
  }
  const auto receiverAddress = asio::ip::make_address(options.receiverHost, error);
  if (error) {
    std::cerr << "xmpp-load: bad receiver server address " << options.receiverHost << "\n";
    return 2;
  }

  asio::io_context io(1);
  const SaltedPasswordCache* cache = saltedPasswords ? &*saltedPasswords : nullptr;
  std::optional<TlsSessionStore> tlsSessions;
  if (options.tlsResume) tlsSessions.emplace(options.firstUser, options.sessions);
  ClientSettings settings{&options,
                          tls->get(),
                          cache,
                          tlsSessions ? &*tlsSessions : nullptr,
                          asio::ip::tcp::endpoint(address, options.port),
                          options.domain};
  // s2s-throughput only: the same accounts on the other server.
  ClientSettings receiverSettings{&options,
                                  tls->get(),
                                  cache,
                                  nullptr,
                                  asio::ip::tcp::endpoint(receiverAddress, options.receiverPort),
                                  options.receiverDomain};
  RunContext context{io, options, settings, receiverSettings, {}};
  bool done = false;
  JsonObject metrics;
  asio::co_spawn(io, reportProgress(context, done), asio::detached);
  asio::co_spawn(
      io,
      [&]() -> Awaitable<void> {
        metrics = co_await runScenario(context);
        done = true;
        // Let the closing streams flush their </stream:stream> before the loop is stopped.
        co_await sleepFor(context, 0.5);
        io.stop();
      },
      asio::detached);
  io.run();

  const Counters& counters = context.counters;
  JsonObject result;
  result.add("scenario", scenarioName(options.scenario));
  result.add("server", options.host + ":" + std::to_string(options.port));
  result.add("tls", options.tls == TlsMode::StartTls ? "starttls" : "direct");
  result.add("mechanism", mechanismName(options.mechanism));
  result.add("sessions", static_cast<std::uint64_t>(options.sessions));
  result.add("stream_management", options.streamManagement);
  result.add("logins_ok", counters.loginsOk);
  result.add("logins_failed", counters.loginsFailed);
  if (counters.firstError.empty()) {
    result.addNull("first_error");
  } else {
    result.add("first_error", counters.firstError);
  }
  result.add("sent", counters.sent);
  result.add("delivered", counters.delivered);
  result.add("metrics", metrics);
  result.add("ok", counters.loginsFailed == 0);
  std::cout << result.str() << std::endl;
  if (counters.loginsFailed > 0) {
    std::cerr << "xmpp-load: " << counters.loginsFailed << " of " << options.sessions
              << " logins failed; first: " << counters.firstError << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace kontalk::bench

int main(int argc, char** argv) {
  int exitCode = 0;
  const auto options = kontalk::bench::parseCommandLine(argc, argv, exitCode);
  if (!options) return exitCode;
  return kontalk::bench::run(*options);
}
