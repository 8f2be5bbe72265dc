#include "stream/c2s_settings.hpp"

namespace kontalk::stream {

using namespace std::chrono_literals;

namespace {

constexpr auto kDay = std::chrono::seconds(86400);
constexpr std::size_t kMaxCount = 1'000'000;

}  // namespace

const config::Section<C2sSettings>& c2sOptions() {
  static const config::Section<C2sSettings> section(
      "c2s", "Client connections (RFC 6120): listeners, authentication and timeouts.",
      [](config::SectionBuilder<C2sSettings>& option) {
        option.parsedList("listen", &C2sSettings::listen, net::listenAddressCodec(),
                          "STARTTLS listeners");
        option.parsedList("direct_tls", &C2sSettings::directTls, net::listenAddressCodec(),
                          "XEP-0368 direct-TLS listeners");
        option.flag("require_tls", &C2sSettings::requireTls,
                    "offer SASL (and registration) only after STARTTLS");
        option.flag("allow_plain_without_tls", &C2sSettings::allowPlainWithoutTls,
                    "with require_tls = false: also offer PLAIN without TLS (loopback tests only)");
        option.choice("resource_conflict", &C2sSettings::resourceConflict,
                      {{"replace", router::ResourceConflictPolicy::ReplaceOlder},
                       {"refuse", router::ResourceConflictPolicy::RefuseNewer}},
                      "a bind of a resource in use: \"replace\" ends the old session with "
                      "<conflict/> (RFC 6120 §7.7.2.2), \"refuse\" answers the new bind with "
                      "<conflict/>");
        option.duration("idle_timeout", &C2sSettings::idleTimeout, 1s, kDay,
                        "seconds without inbound bytes: an unauthenticated stream is closed with "
                        "<connection-timeout/>, an authenticated one is pinged (XEP-0199) first");
        option.duration("ping_timeout", &C2sSettings::pingTimeout, 1s, kDay,
                        "seconds an idle authenticated stream has to answer the server's ping "
                        "(any inbound byte counts) before <connection-timeout/>");
        option.duration("auth_timeout", &C2sSettings::authTimeout, 1s, kDay,
                        "seconds to authenticate and bind a resource");
        option.duration("keepalive_interval", &C2sSettings::keepaliveInterval, 1s, kDay,
                        "seconds of outbound silence before a whitespace keepalive");
        option.integer("max_sessions_per_user", &C2sSettings::maxSessionsPerUser, std::size_t{1},
                       std::size_t{1000},
                       "concurrent sessions per account (resource-constraint beyond)");
        option.integer("max_auth_failures", &C2sSettings::maxAuthFailures, std::size_t{1},
                       std::size_t{100}, "failed SASL attempts before <policy-violation/>");
        option.duration("resumption_timeout", &C2sSettings::resumptionTimeout, 1s, kDay,
                        "seconds a broken resumable session (XEP-0198) waits to be resumed; then "
                        "its unacknowledged messages go to the account's other resources or "
                        "offline storage");
        option.duration("ack_timeout", &C2sSettings::ackTimeout, 1s, kDay,
                        "seconds the server waits for <a/> after its <r/> before it treats the "
                        "connection as dead");
        option.integer("max_unacknowledged", &C2sSettings::maxUnacknowledged, std::size_t{1},
                       kMaxCount,
                       "stanzas sent and not acknowledged (XEP-0198) a session keeps: beyond, a "
                       "connected client is closed with <policy-violation/>, a detached session "
                       "ends (what it kept goes to offline storage)");
        option.choice(
            "certificate_login", &C2sSettings::certificateLogin,
            {{"exclusive", CertificateLogin::Exclusive}, {"also", CertificateLogin::Also}},
            "mechanisms for a client that presented a TLS certificate: \"exclusive\" "
            "offers only EXTERNAL (Smack, the Kontalk clients' library, prefers "
            "SCRAM-SHA-1 to EXTERNAL and has no password), \"also\" offers EXTERNAL "
            "beside SCRAM/PLAIN; clients without a certificate always get SCRAM/PLAIN");
      },
      [](const C2sSettings& settings) -> std::optional<std::string> {
        if (settings.listen.empty() && settings.directTls.empty()) {
          return "needs at least one address in listen or direct_tls";
        }
        return std::nullopt;
      });
  return section;
}

const config::Section<LimitsSettings>& limitsOptions() {
  static const config::Section<LimitsSettings> section(
      "limits",
      "What one client connection may make the server hold or do. Exceeding a parser limit "
      "closes the stream with <policy-violation/>.",
      [](config::SectionBuilder<LimitsSettings>& option) {
        option.integer("max_stanza_bytes", &LimitsSettings::maxStanzaBytes, std::size_t{1024},
                       std::size_t{64} << 20, "wire bytes of one stanza");
        option.integer("max_depth", &LimitsSettings::maxDepth, std::size_t{2}, std::size_t{1000},
                       "element nesting inside a stanza");
        option.integer("max_attributes", &LimitsSettings::maxAttributes, std::size_t{1},
                       std::size_t{10000},
                       "attributes per element, namespace declarations included");
        option.integer("max_text_bytes", &LimitsSettings::maxTextBytes, std::size_t{1},
                       std::size_t{64} << 20,
                       "character data in one element: Kontalk media messages carry a base64 "
                       "thumbnail inside the encrypted payload, up to 512 KiB");
        option.integer("max_children", &LimitsSettings::maxChildren, std::size_t{1},
                       std::size_t{1'000'000}, "child elements of one element");
        option.integer("max_name_bytes", &LimitsSettings::maxNameBytes, std::size_t{1},
                       std::size_t{65536}, "element and attribute name length");
        option.number("stanzas_per_second", &LimitsSettings::stanzasPerSecond, 0.001, 1e9,
                      "sustained inbound stanza rate per connection; beyond it the server stops "
                      "reading for a while (TCP pushes back, nothing is lost)");
        option.number("stanza_burst", &LimitsSettings::stanzaBurst, 1, 1e9,
                      "burst of stanzas allowed above the rate");
        option.integer("unauthenticated_bytes_per_second",
                       &LimitsSettings::unauthenticatedBytesPerSecond, std::size_t{1024},
                       std::size_t{1} << 30,
                       "sustained inbound bytes per connection before authentication, whitespace "
                       "included; beyond it the server stops reading for a while");
        option.integer("unauthenticated_byte_burst", &LimitsSettings::unauthenticatedByteBurst,
                       std::size_t{4096}, std::size_t{1} << 30,
                       "bytes allowed at once above that rate (a registration with its key)");
        option.integer("bytes_per_second", &LimitsSettings::bytesPerSecond, std::size_t{1024},
                       std::size_t{1} << 30,
                       "sustained inbound bytes per authenticated connection, whitespace included");
        option.integer("byte_burst", &LimitsSettings::byteBurst, std::size_t{4096},
                       std::size_t{1} << 30,
                       "bytes allowed at once above that rate; at least one maximal stanza");
        option.integer("max_connections", &LimitsSettings::maxConnections, std::size_t{1},
                       std::size_t{10'000'000},
                       "client connections per process; more are closed at accept");
        option.integer("max_outbound_queue_bytes", &LimitsSettings::maxOutboundQueueBytes,
                       std::size_t{4096}, std::size_t{1} << 30,
                       "unsent bytes queued for one client before it is disconnected");
        option.integer("max_unacknowledged_bytes", &LimitsSettings::maxUnacknowledgedBytes,
                       std::size_t{65536}, std::size_t{1} << 32,
                       "bytes of stanzas sent and not acknowledged (XEP-0198) a session keeps; "
                       "beyond, as for [c2s] max_unacknowledged");
        option.integer("password_failures_per_account", &LimitsSettings::freeFailuresPerAccount,
                       std::size_t{1}, std::size_t{1000},
                       "wrong passwords (PLAIN, SCRAM) for one account, from any address, before "
                       "each further one doubles the wait (1 s, 2 s, ...) before its next "
                       "password is checked; meanwhile attempts get <temporary-auth-failure/>");
        option.integer("password_failures_per_address", &LimitsSettings::freeFailuresPerAddress,
                       std::size_t{1}, std::size_t{100'000},
                       "the same for one client address (IPv6: its /64), whatever the "
                       "accounts; higher, as users behind one NAT share it");
        option.duration("password_backoff_max", &LimitsSettings::maxBackoff, 1s, kDay,
                        "longest wait imposed on an account or address");
        option.duration("password_failure_memory", &LimitsSettings::failureMemory, 1s, kDay,
                        "seconds after its last wrong password that an account or address "
                        "starts afresh");
      },
      [](const LimitsSettings& limits) -> std::optional<std::string> {
        if (limits.byteBurst < limits.maxStanzaBytes) {
          return "byte_burst must be at least max_stanza_bytes (a stanza is read at once)";
        }
        return std::nullopt;
      });
  return section;
}

}  // namespace kontalk::stream
