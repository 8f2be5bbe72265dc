#pragma once
// kontalkctl network …: the operator's edits of the Kontalk network's server list (spec §7.1),
// kept in storage where they win over the configuration's [[modules.network.servers]]; a running
// server applies them within seconds (the network module polls them).
// Exit codes as in commands.hpp: 0 success, 1 the operation failed, 2 bad usage or setup.
// Threading: kontalkctl's one thread; the commands block on storage.

#include <iosfwd>
#include <string>

#include "app/config/config.hpp"

namespace kontalk::ctl {

// Adds (or replaces) DOMAIN with the server key's FINGERPRINT (40 hex digits), enabled.
int addNetworkServer(const app::Config& config, const std::string& domain,
                     const std::string& fingerprint, std::ostream& out, std::ostream& err);
// Takes DOMAIN out of the list, configured or not, until it is added again.
int removeNetworkServer(const app::Config& config, const std::string& domain, std::ostream& out,
                        std::ostream& err);
// Switches DOMAIN on or off; a configured domain keeps its configured fingerprint.
int enableNetworkServer(const app::Config& config, const std::string& domain, bool enabled,
                        std::ostream& out, std::ostream& err);
// Prints the edits, one "DOMAIN FINGERPRINT|- enabled|disabled [removed]" line each (the
// configuration's entries they apply to are not repeated).
int listNetworkServers(const app::Config& config, std::ostream& out, std::ostream& err);

}  // namespace kontalk::ctl
