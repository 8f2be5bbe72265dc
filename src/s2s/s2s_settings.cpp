#include "s2s/s2s_settings.hpp"

#include "s2s/srv_lookup.hpp"

namespace kontalk::s2s {

using namespace std::chrono_literals;

const config::Section<S2sSettings>& s2sOptions() {
  static const config::Section<S2sSettings> section(
      "s2s",
      "Server-to-server links (RFC 6120; spec §7.2): STARTTLS with the [tls] certificate (also "
      "presented as client certificate), then SASL EXTERNAL or dialback (XEP-0220). Links are on "
      "when listen or hosts is set; otherwise stanzas for other domains bounce with "
      "<remote-server-not-found/>. Without a hosts entry a domain is resolved with SRV "
      "_xmpp-server._tcp, else A/AAAA on port 5269.",
      [](config::SectionBuilder<S2sSettings>& option) {
        option.parsedList("listen", &S2sSettings::listen, net::listenAddressCodec(),
                          "inbound s2s listeners (port 5269 is the standard); empty: none "
                          "(outbound links still work, but peers cannot verify our dialback keys)");
        option.flag("require_tls", &S2sSettings::requireTls,
                    "STARTTLS is mandatory on inbound and outbound links; with the network's "
                    "domains ([modules.network] servers) it always is");
        option.path("ca_file", &S2sSettings::caFile,
                    "PEM file of the CAs a peer's certificate must chain to for SASL EXTERNAL; "
                    "empty: the system's trust store");
        option.textMap("hosts", &S2sSettings::hosts,
                       "static map of peer domains to \"host:port\"; a mapped domain never causes "
                       "a DNS query");
        option.duration("idle_timeout", &S2sSettings::idleTimeout, 1s, 86400s,
                        "seconds without stanzas before a link is closed");
        option.duration("connect_timeout", &S2sSettings::connectTimeout, 1s, 3600s,
                        "seconds an outbound link has to connect and authenticate; then what "
                        "waits for it bounces (spec §7.9)");
        option.integer("max_connections", &S2sSettings::maxConnections, std::size_t{1},
                       std::size_t{1'000'000},
                       "inbound s2s connections; more are closed at accept");
        option.integer("max_queued_stanzas", &S2sSettings::maxQueuedStanzas, std::size_t{1},
                       std::size_t{1'000'000},
                       "stanzas waiting for one domain's link to come up; more bounce at once");
        option.integer("bytes_per_second", &S2sSettings::bytesPerSecond, std::size_t{1024},
                       std::size_t{1} << 32,
                       "what one inbound link may send on average; beyond it the link is not "
                       "read for a while (TCP pushes back on the peer)");
        option.integer("byte_burst", &S2sSettings::byteBurst, std::size_t{4096},
                       std::size_t{1} << 32,
                       "what one inbound link may send at once, above the rate");
        option.number("stanzas_per_second", &S2sSettings::stanzasPerSecond, 0.001, 1e9,
                      "top-level elements (stanzas, acknowledgements) one inbound link may send "
                      "on average; beyond it the link is not read for a while (nothing is lost)");
        option.number("stanza_burst", &S2sSettings::stanzaBurst, 1, 1e9,
                      "elements one inbound link may send at once, above stanzas_per_second");
        option.duration("keepalive_interval", &S2sSettings::keepaliveInterval, 1s, 86400s,
                        "seconds an authenticated outbound link may stay silent before it sends a "
                        "whitespace keepalive (RFC 6120 §4.6.1); keepalives do not count as "
                        "traffic for idle_timeout");
        option.flag("require_certificate", &S2sSettings::requireCertificate,
                    "a network server is a member only when its links present a certificate "
                    "valid for its domain (ca_file): one that proves its domain with dialback "
                    "alone is not asked in roster matches and its probes are refused (its "
                    "users' messages still pass)");
        option.flag("verify_keys", &S2sSettings::verifyKeys,
                    "once per outbound link, ask a network server for its OpenPGP key (pubkey); "
                    "one whose fingerprint differs from the list's is not a member (as with "
                    "require_certificate)");
        option.parsedList(
            "dns_servers", &S2sSettings::dnsServers,
            config::ParsedCodec<std::string>{
                "\"IPv4-address:port\"",
                [](std::string_view text) -> std::optional<std::string> {
                  if (!isNameserverAddress(text)) return std::nullopt;
                  return std::string(text);
                },
                [](const std::string& address) { return address; }},
            "DNS servers asked for the SRV records of unmapped domains (at most 3 are asked); "
            "empty: those of /etc/resolv.conf. Host names are resolved by the system. A domain "
            "they say does not exist is not retried: what waits for it bounces at once with "
            "<remote-server-not-found/> (spec §7.9), unless it is a network domain");
      });
  return section;
}

}  // namespace kontalk::s2s
