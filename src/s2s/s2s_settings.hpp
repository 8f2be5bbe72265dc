#pragma once
// [s2s]: server-to-server links (RFC 6120, spec §7.2): the inbound listener, TLS and certificate
// trust, the static host map, and the bounds on what one peer may make the server hold.
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/section.hpp"
#include "net/listen_address.hpp"

namespace kontalk::s2s {

struct S2sSettings {
  // Empty: no inbound listener (outbound links still work, peers then cannot verify our
  // dialback keys, XEP-0220 §2.1.2).
  std::vector<net::ListenAddress> listen;
  bool requireTls = true;
  std::filesystem::path caFile;  // empty: the system's trust store
  // domain → "host:port": a mapped domain never causes a DNS query (spec §7.2).
  std::map<std::string, std::string> hosts;
  std::chrono::seconds idleTimeout{600};
  std::chrono::seconds connectTimeout{10};
  std::size_t maxConnections = 1000;
  std::size_t maxQueuedStanzas = 1000;
  // One inbound link carries every user of a peer server: it gets far more than a client's
  // [limits] bytes_per_second, and is still bounded (a flooding peer is slowed, TCP pushes back).
  std::size_t bytesPerSecond = std::size_t{16} << 20;
  std::size_t byteBurst = std::size_t{32} << 20;
  // Top-level elements (stanzas, acknowledgements) per second one inbound link may send: the
  // same backpressure as the byte rate, for a peer flooding small stanzas.
  double stanzasPerSecond = 5000;
  double stanzaBurst = 10000;
  // RFC 6120 §4.6.1: an idle outbound link sends a space this often, so that NATs and firewalls
  // keep it and a dead connection shows as a failed write; not counted as traffic by idle_timeout.
  std::chrono::seconds keepaliveInterval{60};
  bool requireCertificate = false;
  bool verifyKeys = false;
  // IPv4 "address:port" of the DNS servers for SRV look-ups; empty: /etc/resolv.conf's.
  std::vector<std::string> dnsServers;
};

const config::Section<S2sSettings>& s2sOptions();

}  // namespace kontalk::s2s
