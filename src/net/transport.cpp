#include "net/transport.hpp"

#include <openssl/err.h>
#include <spdlog/spdlog.h>

#include "net/openssl_error.hpp"

namespace kontalk::net {
namespace {

asio::ip::tcp::endpoint remoteEndpoint(const asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  return error ? asio::ip::tcp::endpoint() : endpoint;
}

// SSL_get_error() reads the thread's error queue, which every connection of a shard shares: an
// error left there by an earlier call (of any connection) would turn this call's harmless
// "want read" into a fatal error. OpenSSL requires an empty queue before each I/O call.
void clearSslErrors() {
  ERR_clear_error();
}

}  // namespace

Transport::Transport(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  const auto endpoint = remoteEndpoint(socket_);
  remoteIp_ = endpoint.address();
  remoteAddress_ = endpoint.port() == 0
                       ? "unknown"
                       : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

Transport::~Transport() {
  close();
}

Awaitable<bool> Transport::waitFor(int sslError) {
  boost::system::error_code error;
  const auto direction = sslError == SSL_ERROR_WANT_WRITE ? asio::ip::tcp::socket::wait_write
                                                          : asio::ip::tcp::socket::wait_read;
  co_await socket_.async_wait(direction, asio::redirect_error(use_awaitable, error));
  co_return !error;
}

Awaitable<ReadResult> Transport::read(std::span<char> buffer) {
  for (;;) {
    if (!socket_.is_open()) co_return ReadResult{TransportStatus::Closed, 0};
    if (ssl_) {
      std::size_t bytes = 0;
      clearSslErrors();
      if (SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &bytes) == 1) {
        co_return ReadResult{TransportStatus::Ok, bytes};
      }
      const int error = SSL_get_error(ssl_.get(), 0);
      if (error == SSL_ERROR_ZERO_RETURN) co_return ReadResult{TransportStatus::Closed, 0};
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        spdlog::debug("tls read from {} failed: {}", remoteAddress_,
                      takeOpenSslError("connection closed"));
        co_return ReadResult{TransportStatus::Error, 0};
      }
      if (!co_await waitFor(error)) co_return ReadResult{TransportStatus::Error, 0};
      continue;
    }
    boost::system::error_code error;
    const std::size_t bytes = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), error);
    if (!error) co_return ReadResult{TransportStatus::Ok, bytes};
    if (error == asio::error::eof) co_return ReadResult{TransportStatus::Closed, 0};
    if (error != asio::error::would_block) co_return ReadResult{TransportStatus::Error, 0};
    if (!co_await waitFor(SSL_ERROR_WANT_READ)) co_return ReadResult{TransportStatus::Error, 0};
  }
}

Awaitable<TransportStatus> Transport::write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (!socket_.is_open()) co_return TransportStatus::Closed;
    if (ssl_) {
      std::size_t written = 0;
      clearSslErrors();
      if (SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written) == 1) {
        bytes.remove_prefix(written);
        continue;
      }
      const int error = SSL_get_error(ssl_.get(), 0);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
        spdlog::debug("tls write to {} failed: {}", remoteAddress_,
                      takeOpenSslError("connection closed"));
        co_return TransportStatus::Error;
      }
      if (!co_await waitFor(error)) co_return TransportStatus::Error;
      continue;
    }
    boost::system::error_code error;
    const std::size_t written = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), error);
    if (!error) {
      bytes.remove_prefix(written);
    } else if (error == asio::error::would_block) {
      if (!co_await waitFor(SSL_ERROR_WANT_WRITE)) co_return TransportStatus::Error;
    } else {
      co_return TransportStatus::Error;
    }
  }
  co_return TransportStatus::Ok;
}

Awaitable<bool> Transport::startTls(SSL_CTX* context) {
  // Not `createSession(...) && co_await handshake(...)`: with GCC 12 that crashed (seen here).
  if (!createSession(context)) co_return false;
  co_return co_await handshake(&SSL_accept);
}

Awaitable<bool> Transport::startTlsClient(SSL_CTX* context, std::string_view serverName,
                                          SSL_SESSION* resume) {
  if (!createSession(context)) co_return false;
  // A session the server no longer knows is harmless: the handshake is then a full one.
  if (resume != nullptr) SSL_set_session(ssl_.get(), resume);
  if (!serverName.empty()) {
    // SSL_set_tlsext_host_name() without its C cast; OpenSSL copies the NUL-terminated name.
    std::string name(serverName);
    SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name.data());
  }
  co_return co_await handshake(&SSL_connect);
}

bool Transport::createSession(SSL_CTX* context) {
  ssl_.reset(SSL_new(context));
  if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.native_handle()) != 1) {
    spdlog::error("tls: cannot create a session for {}: {}", remoteAddress_,
                  takeOpenSslError("connection closed"));
    ssl_.reset();
    return false;
  }
  return true;
}

Awaitable<bool> Transport::handshake(int (*step)(SSL*)) {
  for (;;) {
    clearSslErrors();
    const int result = step(ssl_.get());
    if (result == 1) co_return true;
    const int error = SSL_get_error(ssl_.get(), result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      spdlog::info("tls handshake with {} failed: {}", remoteAddress_,
                   takeOpenSslError("connection closed"));
      ssl_.reset();
      co_return false;
    }
    if (!co_await waitFor(error)) {
      ssl_.reset();
      co_return false;
    }
  }
}

X509* Transport::peerCertificate() const {
  return ssl_ ? SSL_get0_peer_certificate(ssl_.get()) : nullptr;
}

long Transport::peerVerifyResult() const {
  return ssl_ ? SSL_get_verify_result(ssl_.get()) : X509_V_ERR_UNSPECIFIED;
}

SSL_SESSION* Transport::takeTlsSession() const {
  return ssl_ ? SSL_get1_session(ssl_.get()) : nullptr;
}

bool Transport::tlsSessionReused() const {
  return ssl_ && SSL_session_reused(ssl_.get()) == 1;
}

void Transport::close() {
  if (!socket_.is_open()) return;
  if (ssl_) {
    // Best effort: the peer may already be gone, and we do not wait for its close_notify.
    clearSslErrors();
    SSL_shutdown(ssl_.get());
    clearSslErrors();
  }
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace kontalk::net
