#pragma once
// What one generator run does: the target, the accounts, the scenario and its parameters.

#include <cstdint>
#include <string>
#include <vector>

namespace kontalk::bench {

enum class TlsMode { StartTls, Direct };
enum class Mechanism { ScramSha1, Plain, External };
enum class Scenario { LoginStorm, IdleDensity, Throughput, Latency, S2sThroughput };

struct Options {
  // Target.
  std::string host = "127.0.0.1";
  std::uint16_t port = 5222;
  TlsMode tls = TlsMode::StartTls;
  std::string domain = "localhost";
  // s2s-throughput: the receivers' server, another domain federated with the one above (where the
  // senders log in). The same account names and password on both.
  std::string receiverHost = "127.0.0.1";
  std::uint16_t receiverPort = 0;
  std::string receiverDomain;
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
  // Login storm: a second storm in which every account offers the TLS session of its first
  // login, measured apart (TLS session resumption, RFC 8446 §2.2).
  bool tlsResume = false;
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
  // Idle density: the server process (0: no RSS measurement). Login storm: the server, whose CPU
  // time per login is reported (0: not). s2s-throughput: the senders' and the receivers' server,
  // whose CPU time over the measured window is reported (0: not).
  std::int64_t serverPid = 0;
  std::int64_t receiverServerPid = 0;
};

const char* scenarioName(Scenario scenario);
const char* mechanismName(Mechanism mechanism);

}  // namespace kontalk::bench
