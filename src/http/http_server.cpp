#include "http/http_server.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "core/spawn.hpp"
#include "http/request_path.hpp"
#include "http/response_head.hpp"
#include "http/websocket_upgrade.hpp"

namespace kontalk::http {
namespace {

namespace beast_http = boost::beast::http;

// What crosses between the shard and a worker at a time (see the header).
constexpr std::size_t kChunkBytes = 256 * 1024;
constexpr std::size_t kReadBytes = 16 * 1024;

std::string lowerCase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string_view view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

}  // namespace

// One connection: reads requests one after the other (keep-alive, pipelined ones in order),
// hands each to its route on a worker, writes the answer.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer& server, asio::ip::tcp::socket socket)
      : server_(server),
        executor_(socket.get_executor()),
        transport_(std::make_unique<net::Transport>(std::move(socket))),
        peer_(transport_->remoteAddress()),
        deadline_(executor_) {}

  // The connection's coroutine; it always ends with the connection closed and forgotten.
  static Awaitable<void> run(std::shared_ptr<Connection> self) {
    try {
      co_await self->serve();
    } catch (const std::exception& error) {
      spdlog::error("http {}: connection failed: {}", self->peer(), error.what());
    }
    self->finish();
  }

  // From any thread: closes the connection on its shard.
  void closeSoon() {
    asio::post(executor_, [self = shared_from_this()] {
      if (self->transport_) self->transport_->close();
    });
  }
  const std::string& peer() const { return peer_; }

 private:
  using Parser = beast_http::request_parser<beast_http::empty_body>;

  struct Answer {
    api::HttpResponse response;
    bool close = false;
  };

  Awaitable<void> serve() {
    const auto& settings = server_.settings_;
    if (server_.tls_ != nullptr) {
      armDeadline(settings.headerTimeout, "TLS handshake");
      if (!co_await transport_->startTls(server_.tls_)) co_return;
    }
    for (;;) {
      // Spec-free but RFC 9112 §9.3: a kept-alive connection waits for its next request.
      if (input_.size() == 0) {
        armDeadline(settings.idleTimeout, "");
        if (!co_await readMore()) co_return;
      }
      armDeadline(settings.headerTimeout, "request head");
      Parser parser;
      parser.header_limit(static_cast<std::uint32_t>(settings.maxHeaderBytes));
      // Bodies are read here, not by the parser (it stops after the head): max_body_bytes and
      // the route bound them. (Not boost::none: Boost 1.74 compares a length with "none" as
      // greater.)
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      auto status = co_await readHead(parser);
      if (status != 0) {
        if (status > 0) {
          // A named value, not a temporary in the co_await: GCC 12 destroys such a temporary
          // twice (seen as a double free).
          Answer refusal{api::HttpResponse::plain(status, "Bad request head"), true};
          co_await send(std::move(refusal));
        }
        co_return;
      }
      if (isWebSocketPath(parser)) {
        co_await upgradeToWebSocket(parser);
        co_return;
      }
      auto answer = co_await handle(parser);
      const bool keepAlive = !answer.close && parser.get().keep_alive();
      answer.close = !keepAlive;
      if (!co_await send(std::move(answer)) || !keepAlive) co_return;
    }
  }

  void finish() {
    deadline_.cancel();
    if (transport_) transport_->close();
    server_.forget(this);
  }

  bool isWebSocketPath(const Parser& parser) const {
    const auto& path = server_.settings_.websocketPath;
    if (!server_.onWebSocket_ || path.empty()) return false;
    const std::string_view target = view(parser.get().target());
    // The query is no part of the path (converse.js sends none, but a proxy may add one).
    return target.substr(0, target.find('?')) == path;
  }

  // RFC 6455 §4.2 with RFC 7395 §3.2: answer 101 and hand the connection to the c2s stream core,
  // or refuse with a status that says why (and close).
  Awaitable<void> upgradeToWebSocket(const Parser& parser) {
    const auto request = requestOf(parser);
    const std::string target(view(parser.get().target()));
    auto handshake = answerWebSocketUpgrade(request, server_.settings_.websocketOrigins);
    if (!handshake.accepted()) {
      spdlog::info("http {}: refused WebSocket upgrade of {} {}: {} ({})", peer(), request.method,
                   target, handshake.status, handshake.reason);
      auto response = api::HttpResponse::plain(handshake.status, handshake.reason);
      for (auto& header : handshake.headers) response.headers.push_back(std::move(header));
      Answer refusal{std::move(response), true};
      co_await send(std::move(refusal));
      co_return;
    }
    armDeadline(server_.settings_.idleTimeout, "WebSocket handshake");
    if (co_await transport_->write(handshake.responseHead) != net::TransportStatus::Ok) co_return;
    deadline_.cancel();
    std::string pending(static_cast<const char*>(input_.data().data()), input_.size());
    input_.consume(input_.size());
    spdlog::debug("http {}: upgraded {} to XMPP over WebSocket", peer(), target);
    server_.onWebSocket_(std::move(transport_), std::move(pending), server_.takeSlot());
  }

  static api::HttpRequest requestOf(const Parser& parser) {
    const auto& head = parser.get();
    api::HttpRequest request;
    request.method = std::string(view(head.method_string()));
    request.chunked = parser.chunked();
    if (const auto length = parser.content_length()) request.contentLength = *length;
    for (const auto& field : head) {
      request.headers.emplace_back(lowerCase(view(field.name_string())),
                                   std::string(view(field.value())));
    }
    return request;
  }

  // Closes the transport when `limit` passes before the next arm (what the pending read or write
  // waits for then fails). `what` names the phase for the log ("" for an idle keep-alive).
  void armDeadline(std::chrono::seconds limit, const char* what) {
    deadline_.expires_after(limit);
    deadline_.async_wait([self = shared_from_this(), what, limit](boost::system::error_code e) {
      if (e) return;
      if (*what != '\0') {
        spdlog::info("http {}: closed: {} not complete within {} s", self->peer(), what,
                     limit.count());
      }
      if (self->transport_) self->transport_->close();
    });
  }

  // At least one more byte into input_; false when the peer is gone (or the deadline passed).
  Awaitable<bool> readMore() {
    auto space = input_.prepare(kReadBytes);
    auto result =
        co_await transport_->read(std::span<char>(static_cast<char*>(space.data()), space.size()));
    if (result.status != net::TransportStatus::Ok) co_return false;
    input_.commit(result.bytes);
    co_return true;
  }

  // 0: a head was parsed; an HTTP status to answer (and close) for a bad one; -1: the peer went.
  Awaitable<int> readHead(Parser& parser) {
    for (;;) {
      boost::system::error_code error;
      const auto used = parser.put(input_.data(), error);
      input_.consume(used);
      if (parser.is_header_done()) co_return 0;
      if (error == beast_http::error::header_limit) {
        spdlog::info("http {}: refused: request head over {} bytes", peer(),
                     server_.settings_.maxHeaderBytes);
        co_return 431;
      }
      if (error && error != beast_http::error::need_more) {
        spdlog::info("http {}: refused: malformed request head ({})", peer(), error.message());
        co_return 400;
      }
      if (!co_await readMore()) co_return -1;
    }
  }

  Awaitable<Answer> handle(Parser& parser) {
    const auto& head = parser.get();
    lastMethodWasHead_ = head.method() == beast_http::verb::head;
    api::HttpRequest request = requestOf(parser);
    request.peer = peer();
    const bool hasBody = request.chunked || request.contentLength.value_or(0) > 0;
    const std::string target(view(head.target()));
    const auto path = parseRequestPath(target);
    if (!path) {
      spdlog::info("http {}: refused: {} {}: bad path", peer(), request.method, target);
      co_return Answer{api::HttpResponse::plain(400, "Bad request path"), hasBody};
    }
    std::string joined;
    for (const auto& segment : *path) joined += "/" + segment;
    const auto [handler, prefixSegments] = server_.routes_(joined);
    if (handler == nullptr) {
      spdlog::info("http {}: refused: {} {}: no such route", peer(), request.method, target);
      co_return Answer{api::HttpResponse::plain(404, "Not found"), hasBody};
    }
    if (request.contentLength.value_or(0) > server_.settings_.maxBodyBytes) {
      spdlog::info("http {}: refused: {} {}: body of {} bytes over max_body_bytes", peer(),
                   request.method, target, *request.contentLength);
      co_return Answer{api::HttpResponse::plain(413, "Request body too large"), true};
    }
    request.path.assign(path->begin() + static_cast<std::ptrdiff_t>(prefixSegments), path->end());
    const auto* route = handler;
    // The head is complete; the handler's storage look-up may take a while.
    deadline_.cancel();
    std::optional<api::HttpAnswer> decided;
    try {
      decided = co_await server_.workers_.run([route, &request] { return (*route)(request); });
    } catch (const std::exception& error) {
      spdlog::error("http {}: {} {}: handler failed: {}", peer(), request.method, target,
                    error.what());
      co_return Answer{api::HttpResponse::plain(500, "Internal error"), true};
    }
    if (!decided->body) {
      if (decided->response.status >= 400) {
        spdlog::info("http {}: {} {} -> {}", peer(), request.method, target,
                     decided->response.status);
      } else {
        spdlog::debug("http {}: {} {} -> {}", peer(), request.method, target,
                      decided->response.status);
      }
      // A body the handler did not ask for is not read: the connection ends after the answer.
      co_return Answer{std::move(decided->response), hasBody};
    }
    if (request.chunked || !request.contentLength) {
      // RFC 9110 §15.5.12; spec §8.7: a body is taken only with its length announced.
      spdlog::info("http {}: refused: {} {}: no Content-Length", peer(), request.method, target);
      co_return Answer{api::HttpResponse::plain(411, "Content-Length required"), true};
    }
    auto response = co_await receiveBody(request, std::move(decided->body));
    if (!response) co_return Answer{api::HttpResponse::plain(400, "Body cut short"), true};
    spdlog::info("http {}: {} {} -> {} ({} bytes received)", peer(), request.method, target,
                 response->status, request.contentLength.value_or(0));
    co_return Answer{std::move(*response), false};
  }

  // Streams exactly Content-Length bytes to the sink (a handler asks for a body only with one).
  // nullopt when the peer went or stalled: the sink is destroyed unfinished and undoes its work.
  Awaitable<std::optional<api::HttpResponse>> receiveBody(const api::HttpRequest& request,
                                                          std::unique_ptr<api::HttpBodySink> sink) {
    const std::uint64_t total = request.contentLength.value_or(0);
    if (lowerCase(request.header("expect")) == "100-continue") {
      // RFC 9110 §10.1.1: the client waits for this before it sends the body.
      if (co_await transport_->write("HTTP/1.1 100 Continue\r\n\r\n") != net::TransportStatus::Ok)
        co_return std::nullopt;
    }
    std::uint64_t received = 0;
    std::string chunk;
    while (received < total) {
      chunk.clear();
      const std::uint64_t wanted = std::min<std::uint64_t>(kChunkBytes, total - received);
      while (chunk.size() < wanted) {
        if (input_.size() == 0) {
          armDeadline(server_.settings_.idleTimeout, "request body");
          if (!co_await readMore()) {
            spdlog::info("http {}: upload cut short after {} of {} bytes", peer(),
                         received + chunk.size(), total);
            co_return std::nullopt;
          }
        }
        const auto take = std::min<std::size_t>(input_.size(), wanted - chunk.size());
        const auto* bytes = static_cast<const char*>(input_.data().data());
        chunk.append(bytes, take);
        input_.consume(take);
      }
      deadline_.cancel();
      auto* target = sink.get();
      auto written = co_await server_.workers_.run(
          [target, view = std::string_view(chunk)] { return target->write(view); });
      if (!written) {
        spdlog::error("http {}: storing a body failed: {}", peer(), written.error().describe());
        co_return api::HttpResponse::plain(500, "Cannot store the body");
      }
      received += chunk.size();
    }
    auto* target = sink.get();
    co_return co_await server_.workers_.run([target] { return target->finish(); });
  }

  // Writes the answer (for HEAD its head only); false when the peer is gone.
  Awaitable<bool> send(Answer answer) {
    auto& response = answer.response;
    const bool isFile = response.file != nullptr;
    const std::uint64_t length = isFile ? response.fileLength : response.body.size();
    armDeadline(server_.settings_.idleTimeout, "response");
    std::string head = formatResponseHead(response.status, response.headers, length, answer.close);
    const bool headOnly = lastMethodWasHead_;
    if (!isFile) {
      if (!headOnly) head += response.body;
      co_return co_await transport_->write(head) == net::TransportStatus::Ok;
    }
    if (co_await transport_->write(head) != net::TransportStatus::Ok) co_return false;
    if (headOnly) co_return true;
    std::uint64_t sent = 0;
    std::vector<char> buffer(kChunkBytes);
    while (sent < length) {
      const auto wanted =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, length - sent));
      auto* file = response.file.get();
      const auto offset = response.fileOffset + sent;
      deadline_.cancel();
      auto read = co_await server_.workers_.run([file, offset, data = buffer.data(), wanted] {
        return file->read(offset, data, wanted);
      });
      if (!read || *read == 0) {
        // The head promised `length` bytes: all the client can learn now is that it got fewer.
        spdlog::error("http {}: reading a response body failed: {}", peer(),
                      read ? "file shorter than announced" : read.error().describe());
        co_return false;
      }
      armDeadline(server_.settings_.idleTimeout, "response");
      if (co_await transport_->write(std::string_view(buffer.data(), *read)) !=
          net::TransportStatus::Ok) {
        co_return false;
      }
      sent += *read;
    }
    co_return true;
  }

  friend class HttpServer;
  HttpServer& server_;
  asio::any_io_executor executor_;
  std::unique_ptr<net::Transport> transport_;  // gone to the c2s stream after a WebSocket upgrade
  std::string peer_;
  asio::steady_timer deadline_;
  boost::beast::flat_buffer input_;
  bool lastMethodWasHead_ = false;
};

HttpServer::HttpServer(const HttpSettings& settings, SSL_CTX* tls, core::WorkerPool& workers,
                       RouteLookup routes, WebSocketHandoff onWebSocket)
    : settings_(settings),
      tls_(tls),
      workers_(workers),
      routes_(std::move(routes)),
      onWebSocket_(std::move(onWebSocket)) {}

void HttpServer::accept(asio::ip::tcp::socket socket) {
  if (stopping_.load(std::memory_order_acquire)) return;
  if (open_->load(std::memory_order_acquire) >= settings_.maxConnections) {
    boost::system::error_code ignored;
    const auto endpoint = socket.remote_endpoint(ignored);
    spdlog::warn("http {}: refused: {} connections open (max_connections)",
                 endpoint.address().to_string(), settings_.maxConnections);
    return;  // the socket closes with its destruction
  }
  auto connection = std::make_shared<Connection>(*this, std::move(socket));
  open_->fetch_add(1, std::memory_order_acq_rel);
  {
    std::lock_guard lock(mutex_);
    connections_.emplace(connection.get(), connection);
  }
  core::spawnLogged(connection->executor_, Connection::run(connection),
                    "http connection " + connection->peer());
}

void HttpServer::forget(Connection* connection) {
  std::lock_guard lock(mutex_);
  if (connections_.erase(connection) > 0) open_->fetch_sub(1, std::memory_order_acq_rel);
}

std::shared_ptr<void> HttpServer::takeSlot() {
  open_->fetch_add(1, std::memory_order_acq_rel);
  return std::shared_ptr<void>(
      nullptr, [open = open_](void*) { open->fetch_sub(1, std::memory_order_acq_rel); });
}

void HttpServer::stop() {
  stopping_.store(true, std::memory_order_release);
  std::lock_guard lock(mutex_);
  for (const auto& [raw, weak] : connections_) {
    if (auto connection = weak.lock()) connection->closeSoon();
  }
}

}  // namespace kontalk::http
