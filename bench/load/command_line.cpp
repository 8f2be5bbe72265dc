#include "command_line.hpp"

#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

namespace kontalk::bench {
namespace {

// One source address reaches about 28,000 ports towards one server port (the default ephemeral
// range 32768–60999); stay well below that per address.
constexpr std::uint32_t kSessionsPerSourceAddress = 20000;

std::vector<std::string> defaultSourceAddresses(std::uint32_t sessions) {
  if (sessions <= kSessionsPerSourceAddress) return {};
  std::vector<std::string> addresses;
  for (std::uint32_t i = 0; i * kSessionsPerSourceAddress < sessions; ++i) {
    addresses.push_back("127.0.1." + std::to_string(i + 1));
  }
  return addresses;
}

}  // namespace

std::optional<Options> parseCommandLine(int argc, char** argv, int& exitCode) {
  Options options;
  CLI::App cli{"xmpp-load — XMPP client load generator (see bench/README.md)"};
  const std::map<std::string, Scenario> scenarios{{"login-storm", Scenario::LoginStorm},
                                                  {"idle-density", Scenario::IdleDensity},
                                                  {"throughput", Scenario::Throughput},
                                                  {"latency", Scenario::Latency},
                                                  {"s2s-throughput", Scenario::S2sThroughput}};
  const std::map<std::string, Mechanism> mechanisms{{"SCRAM-SHA-1", Mechanism::ScramSha1},
                                                    {"PLAIN", Mechanism::Plain},
                                                    {"EXTERNAL", Mechanism::External}};
  const std::map<std::string, TlsMode> tlsModes{{"starttls", TlsMode::StartTls},
                                                {"direct", TlsMode::Direct}};
  cli.add_option("--scenario", options.scenario,
                 "login-storm, idle-density, throughput, latency, s2s-throughput")
      ->required()
      ->transform(CLI::CheckedTransformer(scenarios));
  cli.add_option("--host", options.host, "server address")->capture_default_str();
  cli.add_option("--port", options.port, "server port")->capture_default_str();
  cli.add_option("--tls", options.tls, "starttls or direct (XEP-0368)")
      ->transform(CLI::CheckedTransformer(tlsModes));
  cli.add_option("--domain", options.domain, "XMPP domain")->capture_default_str();
  cli.add_option("--receiver-host", options.receiverHost,
                 "s2s-throughput: the receivers' server address")
      ->capture_default_str();
  cli.add_option("--receiver-port", options.receiverPort,
                 "s2s-throughput: the receivers' server port");
  cli.add_option("--receiver-domain", options.receiverDomain,
                 "s2s-throughput: the receivers' XMPP domain (federated with --domain)");
  cli.add_option("--source-addresses", options.sourceAddresses,
                 "local addresses in 127.0.0.0/8 used round-robin (default: one per 20,000 "
                 "sessions from 127.0.1.1 when above 20,000, else the kernel's choice)")
      ->delimiter(',');
  cli.add_option("--sessions", options.sessions, "number of accounts/connections")
      ->capture_default_str();
  cli.add_option("--first-user", options.firstUser, "number of the first account")
      ->capture_default_str();
  cli.add_option("--user-prefix", options.userPrefix, "account name prefix")->capture_default_str();
  cli.add_option("--password", options.password, "password of every account")
      ->capture_default_str();
  cli.add_option("--mechanism", options.mechanism, "SCRAM-SHA-1, PLAIN or EXTERNAL")
      ->transform(CLI::CheckedTransformer(mechanisms));
  cli.add_option("--salted-passwords", options.saltedPasswordFile,
                 "SCRAM SaltedPassword cache (\"user iterations salt saltedpassword\" lines)")
      ->check(CLI::ExistingFile);
  cli.add_option("--client-certificate", options.clientCertificate, "PEM, for EXTERNAL")
      ->check(CLI::ExistingFile);
  cli.add_option("--client-key", options.clientKey, "PEM, for EXTERNAL")->check(CLI::ExistingFile);
  cli.add_option("--resource", options.resource, "resource to bind")->capture_default_str();
  cli.add_flag("--stream-management", options.streamManagement,
               "enable XEP-0198 after bind and answer the server's <r/>; throughput: the window "
               "counts messages not yet acknowledged by the server (<r/> after each message) and "
               "the JSON adds the server-ack latency");
  cli.add_flag("--tls-resume", options.tlsResume,
               "login storm: a second storm in which every account resumes the TLS session of "
               "its first login, reported apart (resumed_*)");
  cli.add_option("--concurrency", options.concurrency, "logins in flight")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--login-timeout", options.loginTimeoutSeconds, "seconds for one login")
      ->capture_default_str();
  cli.add_option("--warmup", options.warmupSeconds,
                 "seconds before measuring (throughput, latency)")
      ->capture_default_str();
  cli.add_option("--duration", options.durationSeconds, "measured seconds (throughput, latency)")
      ->capture_default_str();
  cli.add_option(
         "--window", options.window,
         "throughput: undelivered (with --stream-management: unacknowledged) messages per sender")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--rate", options.rate, "latency: offered messages/s in total")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--body-bytes", options.bodyBytes, "padding in each message body")
      ->capture_default_str();
  cli.add_option("--settle", options.settleSeconds, "idle density: seconds before measuring RSS")
      ->capture_default_str();
  cli.add_option("--server-pid", options.serverPid,
                 "idle density: the server's process id (its RSS); login storm: the server (its "
                 "CPU time per login); s2s-throughput: the senders' server (its CPU time)")
      ->capture_default_str();
  cli.add_option("--receiver-server-pid", options.receiverServerPid,
                 "s2s-throughput: the receivers' server process id (its CPU time)")
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    exitCode = cli.exit(error);
    return std::nullopt;
  }
  if (options.scenario == Scenario::S2sThroughput &&
      (options.receiverPort == 0 || options.receiverDomain.empty())) {
    std::cerr << "xmpp-load: s2s-throughput needs --receiver-port and --receiver-domain\n";
    exitCode = 2;
    return std::nullopt;
  }
  if (options.sourceAddresses.empty()) {
    options.sourceAddresses = defaultSourceAddresses(options.sessions);
  }
  return options;
}

}  // namespace kontalk::bench
