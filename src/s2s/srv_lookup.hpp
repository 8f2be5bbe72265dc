#pragma once
// DNS SRV look-up of a peer's s2s service (RFC 6120 §3.2.1, RFC 2782): `_xmpp-server._tcp.DOMAIN`.
// The look-up blocks (glibc's resolver, res_nquery): LinkManager runs it on its own DNS thread,
// never on a shard.
// Threading: lookupServerSrv() blocks its caller and may run on any thread concurrently (each
// call has its own resolver state); the other functions are pure.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kontalk::s2s {

struct SrvTarget {
  std::string host;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

// The SRV records of a DNS answer message, in the order to try them: lowest priority first,
// within one priority the heavier first (RFC 2782 asks for a weighted random choice; a fixed
// order is a permitted simplification for a list we try one by one). A single target "." means
// the service is decidedly not available (RFC 2782): the result is then empty, as for a
// malformed message.
std::vector<SrvTarget> parseSrvAnswer(std::span<const unsigned char> message);

struct SrvLookup {
  // Empty when there is no usable record (the caller then falls back to DOMAIN itself on port
  // 5269, RFC 6120 §3.2.2).
  std::vector<SrvTarget> targets;
  // False only when DNS said authoritatively that neither `_xmpp-server._tcp.DOMAIN` nor DOMAIN
  // exists (NXDOMAIN for both): such a domain has no server, now or later (spec §7.9 bounces
  // at once). A timeout or server failure is not that.
  bool domainExists = true;
};

// `_xmpp-server._tcp.DOMAIN` (blocking), asking `nameservers` (IPv4 "address:port", at most
// three, glibc's MAXNS) instead of /etc/resolv.conf's when not empty.
SrvLookup lookupServerSrv(std::string_view domain, std::span<const std::string> nameservers);

// Whether `address` is an IPv4 "address:port" that lookupServerSrv can ask.
bool isNameserverAddress(std::string_view address);

}  // namespace kontalk::s2s
