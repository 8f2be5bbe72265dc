#pragma once
// [http]: the embedded HTTP/1.1 server (ARCHITECTURE.md §3 "http/"): its listeners, TLS, and the
// bounds on what one connection may make the server hold (spec §8.7 serves uploads on it).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/section.hpp"
#include "net/listen_address.hpp"

namespace kontalk::http {

struct HttpSettings {
  // Spec §8.7: port 5443. Loopback like [c2s]'s defaults: a development server serves uploads
  // at once; production lists its public address (or a reverse proxy's upstream).
  std::vector<net::ListenAddress> listen{{"127.0.0.1", 5443}};
  // false: plain HTTP, for a TLS-terminating reverse proxy in front.
  bool tls = true;
  std::size_t maxConnections = 1000;
  // The request line and headers together (431 beyond).
  std::size_t maxHeaderBytes = 8192;
  // The whole request head must arrive within this (slowloris: a head sent byte by byte).
  std::chrono::seconds headerTimeout{10};
  // Seconds without a request on a kept-alive connection, or without body bytes.
  std::chrono::seconds idleTimeout{60};
  // A request body (413 beyond); routes bound theirs further (upload: max_file_size).
  std::uint64_t maxBodyBytes = 104857600;
  // XMPP over WebSocket (RFC 7395): the upgrade path; empty turns the endpoint off. Prosody's and
  // converse.js's usual path.
  std::string websocketPath = "/xmpp-websocket";
  // Origins (RFC 6454, e.g. "https://chat.example.com") a browser may open a WebSocket from;
  // empty allows every origin (clients authenticate with SASL, not with cookies).
  std::vector<std::string> websocketOrigins;
  // GET /metrics (Prometheus text format) and /healthz, on listeners of their own and never on
  // `listen`: plain HTTP without authentication, so loopback (or an operator-only network).
  std::vector<net::ListenAddress> metricsListen{{"127.0.0.1", 9090}};
};

const config::Section<HttpSettings>& httpOptions();

}  // namespace kontalk::http
