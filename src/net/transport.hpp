#pragma once
// One client connection's byte transport: a TCP socket, optionally upgraded to TLS in place
// (STARTTLS, RFC 6120 §5) or TLS from the first byte (XEP-0368).
//
// TLS runs OpenSSL directly on the non-blocking socket descriptor and waits for readiness with
// Asio, instead of asio::ssl::stream: that stream keeps two 17 KiB buffers per connection for its
// whole life, while OpenSSL with SSL_MODE_RELEASE_BUFFERS holds none on an idle connection. Idle
// density is the metric where a messaging server's memory goes.
//
// Threading: a Transport lives on one shard and is used from that shard's thread only. At most
// one read and one write may be outstanding at a time (the c2s stream has one reader coroutine
// and one writer coroutine).

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>

#include "core/asio.hpp"

namespace kontalk::net {

enum class TransportStatus { Ok, Closed, Error };

struct ReadResult {
  TransportStatus status = TransportStatus::Ok;
  std::size_t bytes = 0;
};

class Transport {
 public:
  explicit Transport(asio::ip::tcp::socket socket);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Reads at least one byte into `buffer` (Closed on an orderly end of stream).
  Awaitable<ReadResult> read(std::span<char> buffer);
  // Writes all of `bytes`.
  Awaitable<TransportStatus> write(std::string_view bytes);
  // Server side TLS handshake on the open socket. False (and the reason logged) on failure.
  Awaitable<bool> startTls(SSL_CTX* context);
  // Client side TLS handshake (the benchmark's load generator and tests): sends `serverName` as
  // SNI (RFC 6066 §3) unless empty, and offers `resume` (a session of an earlier connection,
  // not taken over; null: none). Certificate checks are the context's business. False (and the
  // reason logged) on failure.
  Awaitable<bool> startTlsClient(SSL_CTX* context, std::string_view serverName,
                                 SSL_SESSION* resume = nullptr);
  // Sends a TLS close_notify when TLS is active and closes the socket. Idempotent.
  void close();

  bool isTls() const { return ssl_ != nullptr; }
  bool isOpen() const { return socket_.is_open(); }
  // The client's certificate, when TLS is active and the client presented one (not owned).
  X509* peerCertificate() const;
  // The chain check of the peer's certificate made during the handshake (SSL_get_verify_result;
  // meaningful only with a context that verifies, as the s2s ones do). X509_V_OK when it chained.
  long peerVerifyResult() const;
  // Client side: the TLS session to offer on a later connection (with its ticket once the server
  // sent one, which TLS 1.3 does after the handshake); the caller owns the reference. Null
  // without TLS.
  SSL_SESSION* takeTlsSession() const;
  // Whether the handshake resumed an earlier session instead of a full one.
  bool tlsSessionReused() const;
  const std::string& remoteAddress() const { return remoteAddress_; }  // "address:port"
  const asio::ip::address& remoteIp() const { return remoteIp_; }

 private:
  struct SslDeleter {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };
  bool createSession(SSL_CTX* context);
  // Drives SSL_accept or SSL_connect to completion.
  Awaitable<bool> handshake(int (*step)(SSL*));
  // Waits until the socket is readable or writable, as the last OpenSSL call asked.
  Awaitable<bool> waitFor(int sslError);

  asio::ip::tcp::socket socket_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  std::string remoteAddress_;
  asio::ip::address remoteIp_;
};

}  // namespace kontalk::net
