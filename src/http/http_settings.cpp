#include "http/http_settings.hpp"

namespace kontalk::http {

using namespace std::chrono_literals;

const config::Section<HttpSettings>& httpOptions() {
  static const config::Section<HttpSettings> section(
      "http",
      "The embedded HTTP/1.1 server: XEP-0363 uploads (spec §8.7) and XMPP over WebSocket "
      "(RFC 7395) are served on it. Like [c2s], "
      "it listens on loopback by default (port 5443, the spec's): list the address clients reach. "
      "An empty listen turns it off, and uploads with it.",
      [](config::SectionBuilder<HttpSettings>& option) {
        option.parsedList("listen", &HttpSettings::listen, net::listenAddressCodec(),
                          "listeners (spec §8.7: port 5443); the first one's port goes into "
                          "upload URLs unless [modules.upload] base_url says otherwise");
        option.flag("tls", &HttpSettings::tls,
                    "HTTPS with the [tls] certificate (TLS 1.2+); false only behind a "
                    "TLS-terminating reverse proxy");
        option.integer("max_connections", &HttpSettings::maxConnections, std::size_t{1},
                       std::size_t{1'000'000}, "open connections; more are closed at once");
        option.integer("max_header_bytes", &HttpSettings::maxHeaderBytes, std::size_t{1024},
                       std::size_t{1'048'576}, "bytes of request line and headers (431 beyond)");
        option.duration("header_timeout", &HttpSettings::headerTimeout, 1s, 3600s,
                        "seconds for the TLS handshake, and for a whole request head once its "
                        "first byte arrived (slowloris)");
        option.duration("idle_timeout", &HttpSettings::idleTimeout, 1s, 86400s,
                        "seconds a kept-alive connection waits for a request, and a request "
                        "body for its next bytes");
        option.integer("max_body_bytes", &HttpSettings::maxBodyBytes, std::uint64_t{1},
                       std::uint64_t{1} << 40,
                       "bytes of one request body (413 beyond); a route may allow less");
        option.text("websocket_path", &HttpSettings::websocketPath,
                    "path of the XMPP over WebSocket endpoint (RFC 7395; subprotocol xmpp, same "
                    "SASL, limits and stream management as [c2s]); empty: no endpoint");
        option.textList("websocket_origins", &HttpSettings::websocketOrigins,
                        "Origin values a WebSocket upgrade may carry (e.g. "
                        "\"https://chat.example.com\"); empty allows any origin");
        option.parsedList("metrics_listen", &HttpSettings::metricsListen, net::listenAddressCodec(),
                          "listeners for GET /metrics (Prometheus text format) and /healthz "
                          "(200 when storage commits, else 503): plain HTTP without "
                          "authentication, so keep them on loopback or an operator-only network; "
                          "empty: off");
      });
  return section;
}

}  // namespace kontalk::http
