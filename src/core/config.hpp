#pragma once
// The server's configuration, read from one TOML file (docs/configuration.md lists every key).
// Loading validates everything up front: a bad file is a start-up error with a message naming
// the key, never a surprise later.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/storage.hpp"
#include "xml/limits.hpp"

namespace kontalk::core {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string toString() const;
};

// "host:port" or "[v6]:port"; nullopt when malformed.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

struct ServerSection {
  std::string domain = "localhost";
  std::filesystem::path dataDir = "var";
  unsigned threads = 0;  // 0 = one shard per core
  // The server's OpenPGP secret key (spec §1); generated on first start when absent.
  std::filesystem::path pgpKey;
};

struct C2sSection {
  std::vector<ListenAddress> listen{{"127.0.0.1", 5222}};     // STARTTLS
  std::vector<ListenAddress> directTls{{"127.0.0.1", 5223}};  // XEP-0368 direct TLS
  bool requireTls = true;                                     // refuse SASL before STARTTLS
  bool allowPlainWithoutTls = false;  // only meaningful with requireTls = false (loopback tests)
  // What happens when a client binds a resource that is in use: "replace" the older session
  // (RFC 6120 §7.7.2.2 "override") or "refuse" the new bind with <conflict/>.
  std::string resourceConflict = "replace";
  // Nothing received for this long: an unauthenticated stream is closed with
  // <connection-timeout/>, an authenticated one is pinged first (pingTimeout). Longer than the
  // whitespace keepalive interval of common clients (slixmpp and Smack use 300 s); the Kontalk
  // client sends no keepalives and pings only every 30 minutes, hence the ping.
  std::chrono::seconds idleTimeout{600};
  std::chrono::seconds authTimeout{60};        // no bound session within this: close
  std::chrono::seconds keepaliveInterval{90};  // whitespace sent after this much outbound silence
  std::size_t maxSessionsPerUser = 10;
  // RFC 6120 §6.4.5: allow a few retries, then close the stream with <policy-violation/>.
  std::size_t maxAuthFailures = 3;
  // Stream management (XEP-0198): how long a broken resumable session waits to be resumed, how
  // long the server waits for <a/> after <r/> before it treats the connection as dead (Kontalk's
  // deployment uses 60 s), and how many stanzas may await acknowledgement.
  std::chrono::seconds resumptionTimeout{300};
  std::chrono::seconds ackTimeout{60};
  std::size_t maxUnacknowledged = 1000;
  // Which SASL mechanisms a client that presented a TLS certificate is offered: "exclusive"
  // offers EXTERNAL alone (the original server's behaviour: Smack ranks SCRAM-SHA-1 above
  // EXTERNAL, so the Kontalk client, which has no password, must not be offered SCRAM), "also"
  // offers EXTERNAL beside the password mechanisms. Clients without a certificate always get
  // SCRAM/PLAIN.
  std::string certificateLogin = "exclusive";
  // An authenticated stream silent for idleTimeout is pinged (XEP-0199); it is closed when the
  // ping brings nothing back within pingTimeout.
  std::chrono::seconds pingTimeout{60};
};

struct TlsSection {
  std::filesystem::path certificate;  // PEM; generated (self-signed) when absent
  std::filesystem::path privateKey;   // PEM
  std::string minVersion = "1.2";     // "1.2" or "1.3"
};

struct LimitsSection {
  xml::ParserLimits parser;
  // Token bucket on inbound stanzas per connection: sustained rate and burst.
  double stanzasPerSecond = 200;
  double stanzaBurst = 400;
  std::size_t maxConnections = 100000;
  std::size_t maxOutboundQueueBytes = 4 * 1024 * 1024;  // a client not reading beyond this: close
};

struct LogSection {
  std::string level = "info";  // trace, debug, info, warn, error
  std::string file;            // empty: standard error
};

struct Config {
  ServerSection server;
  C2sSection c2s;
  TlsSection tls;
  storage::StorageConfig storage;
  LimitsSection limits;
  LogSection log;
  // [modules.<name>] sections: each module reads its own keys (values as strings).
  std::map<std::string, std::map<std::string, std::string>> modules;
  // Relative paths in the file are resolved against data_dir (data paths) or the config file's
  // directory; after load() every path here is absolute or relative to the working directory.
  std::filesystem::path sourceFile;
};

// Reads and validates a config file. Throws ConfigError with a message naming file and key.
Config loadConfig(const std::filesystem::path& file);
// The embedded default: domain localhost, data under ./var, SQLite, loopback listeners.
Config defaultConfig();

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace kontalk::core
