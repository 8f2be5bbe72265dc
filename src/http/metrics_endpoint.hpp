#pragma once
// The operator's endpoint (issue 13): GET /metrics answers the process's metrics
// (base::metrics::registry()) in the Prometheus text format; GET /healthz answers 200 "ok" when
// the server is ready (its health check passes: storage commits) and 503 with the reason
// otherwise. It listens on [http] metrics_listen only, never on the public [http] listen, with
// plain HTTP and no authentication: loopback by default, or an operator-only network.
//
// Connections are an HttpServer of their own (same bounds as [http], no TLS, no WebSocket), so
// a scraper never takes a public connection slot, and answers are computed on `workers`.
// Threading: construct on the main thread; accept() on the socket's shard; stop() and
// openConnections() from any thread. `health` runs on a worker of `workers` and may block for
// as long as its own timeout.

#include <atomic>
#include <functional>
#include <string_view>
#include <utility>

#include "api/http_routes.hpp"
#include "base/status.hpp"
#include "core/worker_pool.hpp"
#include "http/http_server.hpp"
#include "http/http_settings.hpp"

namespace kontalk::http {

using HealthCheck = std::function<Result<void>()>;

class MetricsEndpoint {
 public:
  MetricsEndpoint(const HttpSettings& settings, core::WorkerPool& workers, HealthCheck health);

  void accept(asio::ip::tcp::socket socket) { server_.accept(std::move(socket)); }
  void stop() { server_.stop(); }
  std::size_t openConnections() const { return server_.openConnections(); }

 private:
  std::pair<const api::HttpHandler*, std::size_t> route(std::string_view path) const;

  HttpSettings settings_;  // [http]'s bounds, without TLS or WebSocket
  HealthCheck health_;
  // The last answer of /healthz (HTTP workers answer concurrently): the log says when it
  // changes, not at every scrape of a failing server.
  std::atomic<bool> lastHealthy_{true};
  api::HttpHandler metrics_;
  api::HttpHandler healthz_;
  HttpServer server_;
};

}  // namespace kontalk::http
