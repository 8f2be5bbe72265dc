#pragma once
// The Kontalk network's server list (spec §7.1) as the server sees it now: provided by the
// network module, read by the probe and register modules (and later the s2s layer) with
// ModuleHost::service<NetworkDirectory>() after it started (list `network` in the dependencies),
// and by the s2s layer (TLS is mandatory with network domains, spec §7.2). Membership also asks
// the s2s layer how a peer authenticated (api::PeerTrust).
//
// Threading: every method may be called from any thread, shards included: they read an immutable
// snapshot and never block. The list may change between two calls (kontalkctl network ...): a
// caller that needs one consistent view (a fan-out) takes servers() once and keeps it. The
// normalize* functions are pure.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kontalk::api {

struct NetworkServer {
  std::string domain;       // lowercase
  std::string fingerprint;  // the server's OpenPGP key: 40 uppercase hex digits
  bool enabled = true;
};

// A server key's fingerprint as the list stores it: 40 hex digits, uppercased; nullopt for
// anything else. For the configuration and `kontalkctl network add`.
std::optional<std::string> normalizeFingerprint(std::string_view text);
// A domain as the list stores it (a valid XMPP domain, RFC 7622, lowercase); nullopt otherwise.
std::optional<std::string> normalizeDomain(std::string_view text);

class NetworkDirectory {
 public:
  virtual ~NetworkDirectory() = default;
  // The enabled servers: the local server first, then the list's order (spec §7.3).
  virtual std::vector<NetworkServer> servers() const = 0;
  // Whether `domain` is a network domain: listed (enabled or not), or the local one (spec §7.1).
  virtual bool isNetworkDomain(std::string_view domain) const = 0;
  // Whether `domain` is a member: a network domain whose links authenticated it as [s2s]
  // require_certificate asks (api::PeerTrust), or the local one (spec §7.2, §7.6).
  virtual bool isMember(std::string_view domain) const = 0;
  // The peers: enabled members other than the local one, in list order (spec §7.5). A peer not
  // known to be trusted yet is left out, and a link to it is opened (api::PeerTrust).
  virtual std::vector<std::string> peers() const = 0;
  // How long a roster match waits for the peers ([network] probe_timeout, spec §7.5).
  virtual std::chrono::milliseconds probeTimeout() const = 0;
};

}  // namespace kontalk::api
