#pragma once
// `kontalkctl reload` and SIGHUP: re-read the configuration file and apply what can change
// without dropping a connection, all or nothing:
//  - [tls] certificate and private_key: re-read even when the paths did not change (an ACME
//    client renews the files in place); the next handshake presents the new pair, established
//    connections keep theirs;
//  - [log] level;
//  - [server] mode (what the certificate check below makes of a mismatch);
//  - the network module's server list edits (`kontalkctl network ...`): re-read at once.
// Every other changed key is named in the answer as waiting for a restart; the server keeps
// running with its start-up values for them. A file that does not load or validate, or a
// certificate that does not load (or, in production mode, does not name the domain), changes
// nothing and is reported as the error.
//
// Threading: reload() on the main thread (admin socket, SIGHUP); never concurrently.

#include <functional>
#include <string>

#include "app/admin/admin_protocol.hpp"
#include "app/config/config.hpp"
#include "config/value.hpp"
#include "net/server_certificate.hpp"

namespace kontalk::app {

// The start-up check of the same rule: the certificate must name the served domain for clients
// to accept it (Kontalk's Android app checks). Throws std::runtime_error in production mode,
// logs a warning in development mode.
void checkCertificateDomain(const net::CertificatePair& pair, const core::ServerSettings& server);

class ConfigurationReload {
 public:
  // `running`: the configuration the server started with (its file is re-read).
  ConfigurationReload(const Config& running, net::ServerCertificate& certificate,
                      std::function<void()> refreshNetworkList);

  admin::Response reload();

 private:
  config::Value readFile() const;  // the raw file, for the comparison; throws ConfigError

  const Config& running_;
  config::Value startedWith_;  // the file as the server started with it
  net::ServerCertificate& certificate_;
  std::function<void()> refreshNetworkList_;
};

}  // namespace kontalk::app
