#pragma once
// What one generator run does: the target, the accounts, the scenario and its parameters.

#include <cstdint>
#include <string>
#include <vector>

namespace kontalk::bench {

enum class TlsMode { StartTls, Direct };
enum class Mechanism { ScramSha1, Plain, External };
enum class Scenario { LoginStorm, IdleDensity, Throughput, Latency };

struct Options {
  // Target.
  std::string host = "127.0.0.1";
  std::uint16_t port = 5222;
  TlsMode tls = TlsMode::StartTls;
  std::string domain = "localhost";
  // Source addresses in 127.0.0.0/8, used round-robin per connection: one address has only the
  // ephemeral port range (about 28,000 ports) towards one server port.
  std::vector<std::string> sourceAddresses;
  // Accounts: <prefix><first> .. <prefix><first + sessions - 1>, all with `password`.
  std::string userPrefix = "user";
  std::uint32_t firstUser = 0;
  std::uint32_t sessions = 100;
  std::string password = "secret";
  Mechanism mechanism = Mechanism::ScramSha1;
  std::string saltedPasswordFile;  // see salted_password_cache.hpp; empty: none
  std::string clientCertificate;   // PEM, for SASL EXTERNAL
  std::string clientKey;
  std::string resource = "load";
  // XEP-0198 stream management: <enable/> after bind, count inbound stanzas and answer the
  // server's <r/>; in the throughput scenario the window becomes "messages the server has not
  // acknowledged with <a h/>" and the ack latency is measured.
  bool streamManagement = false;
  // Scenario.
  Scenario scenario = Scenario::LoginStorm;
  std::uint32_t concurrency = 200;  // logins in flight
  double loginTimeoutSeconds = 30;
  double warmupSeconds = 2;
  double durationSeconds = 10;
  std::uint32_t window = 2;      // throughput: undelivered messages per sender
  double rate = 2000;            // latency: offered messages per second (all senders)
  std::uint32_t bodyBytes = 64;  // padding in each message body
  double settleSeconds = 3;      // idle density: wait before reading the server's RSS
  std::int64_t serverPid = 0;    // idle density: the server process (0: no RSS measurement)
};

const char* scenarioName(Scenario scenario);
const char* mechanismName(Mechanism mechanism);

}  // namespace kontalk::bench
