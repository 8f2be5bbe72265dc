#pragma once
// The embedded HTTP/1.1 server (ARCHITECTURE.md §3 "http/"): serves what modules registered with
// api::ModuleHost::onHttp (uploads, spec §8.7) on the [http] listeners. More routes or a protocol
// upgrade (WebSocket, RFC 7395) hang off the same connection loop; /metrics is one more route.
//
// A connection lives on the shard that accepted it (net::Listener), like a c2s stream, and uses
// net::Transport for TLS or plain bytes; Boost.Beast parses the request head only. Nothing that
// may block runs on the shard: route handlers, body sinks and file reads run on `workers`, the
// server's HTTP pool (a slow disk's fsync must not stall logins or the modules' storage work,
// ARCHITECTURE.md §5). Bytes cross between shard and worker in chunks of at most 256 KiB, one
// chunk in flight per connection: memory per connection stays bounded whatever the body size.
//
// Threading: construct on the main thread; accept() on the socket's shard; stop() and
// openConnections() from any thread.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>

#include "api/http_routes.hpp"
#include "core/asio.hpp"
#include "core/worker_pool.hpp"
#include "http/http_settings.hpp"

namespace kontalk::http {

class Connection;

// The handler serving a decoded path ("/upload/a/b") and how many of its segments are the
// route's prefix; {nullptr, 0} when no route serves it. Must be safe to call from any thread.
using RouteLookup =
    std::function<std::pair<const api::HttpHandler*, std::size_t>(std::string_view path)>;

class HttpServer {
 public:
  // `tls` null: plain HTTP ([http] tls = false). Everything given must outlive the server.
  HttpServer(const HttpSettings& settings, SSL_CTX* tls, core::WorkerPool& workers,
             RouteLookup routes);

  // Takes over a connection accepted by a listener; on the socket's shard.
  void accept(asio::ip::tcp::socket socket);
  // Closes every open connection (each on its shard) and accepts no more.
  void stop();
  std::size_t openConnections() const { return open_.load(std::memory_order_acquire); }

 private:
  friend class Connection;
  void forget(Connection* connection);

  const HttpSettings& settings_;
  SSL_CTX* tls_;
  core::WorkerPool& workers_;
  RouteLookup routes_;
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::map<Connection*, std::weak_ptr<Connection>> connections_;
};

}  // namespace kontalk::http
