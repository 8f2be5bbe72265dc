#pragma once
// The embedded HTTP/1.1 server (ARCHITECTURE.md §3 "http/"): serves what modules registered with
// api::ModuleHost::onHttp (uploads, spec §8.7) on the [http] listeners. More routes or a protocol
// upgrade (WebSocket, RFC 7395) hang off the same connection loop; /metrics and /healthz are
// another HttpServer's, on listeners of their own (metrics_endpoint.hpp).
//
// A connection lives on the shard that accepted it (net::Listener), like a c2s stream, and uses
// net::Transport for TLS or plain bytes; Boost.Beast parses the request head only. Nothing that
// may block runs on the shard: route handlers, body sinks and file reads run on `workers`, the
// server's HTTP pool (a slow disk's fsync must not stall logins or the modules' storage work,
// ARCHITECTURE.md §5). Bytes cross between shard and worker in chunks of at most 256 KiB, one
// chunk in flight per connection: memory per connection stays bounded whatever the body size.
//
// A request to [http] websocket_path that passes the WebSocket handshake (RFC 6455 §4.2, RFC
// 7395 §3.2: subprotocol xmpp) leaves the HTTP layer: its transport goes to `onWebSocket` (the
// c2s stream core with its WebSocket framing), still counted among the open connections.
//
// Threading: construct on the main thread; accept() on the socket's shard; stop() and
// openConnections() from any thread. `onWebSocket` is called on the connection's shard.

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
#include "net/transport.hpp"

namespace kontalk::http {

class Connection;

// The handler serving a decoded path ("/upload/a/b") and how many of its segments are the
// route's prefix; {nullptr, 0} when no route serves it. Must be safe to call from any thread.
using RouteLookup =
    std::function<std::pair<const api::HttpHandler*, std::size_t>(std::string_view path)>;

// Takes over an upgraded WebSocket connection: its transport (TLS done, 101 sent), the bytes the
// client sent after its request, and its slot among the HTTP connections, released with the
// last copy.
using WebSocketHandoff = std::function<void(std::unique_ptr<net::Transport> transport,
                                            std::string pending, std::shared_ptr<void> slot)>;

class HttpServer {
 public:
  // `tls` null: plain HTTP ([http] tls = false). Everything given must outlive the server.
  // `onWebSocket` empty: no WebSocket endpoint.
  HttpServer(const HttpSettings& settings, SSL_CTX* tls, core::WorkerPool& workers,
             RouteLookup routes, WebSocketHandoff onWebSocket = {});

  // Takes over a connection accepted by a listener; on the socket's shard.
  void accept(asio::ip::tcp::socket socket);
  // Closes every open connection (each on its shard) and accepts no more.
  void stop();
  std::size_t openConnections() const { return open_->load(std::memory_order_acquire); }

 private:
  friend class Connection;
  void forget(Connection* connection);
  // One more open connection, until the returned slot's last copy goes (a WebSocket's).
  std::shared_ptr<void> takeSlot();

  const HttpSettings& settings_;
  SSL_CTX* tls_;
  core::WorkerPool& workers_;
  RouteLookup routes_;
  WebSocketHandoff onWebSocket_;
  // Shared with the slots of WebSocket connections, which may outlive the server at shutdown.
  std::shared_ptr<std::atomic<std::size_t>> open_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::map<Connection*, std::weak_ptr<Connection>> connections_;
};

}  // namespace kontalk::http
