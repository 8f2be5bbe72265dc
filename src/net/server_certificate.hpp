#pragma once
// The server's own certificate, replaceable while the server runs: an ACME client (certbot)
// renews fullchain.pem and privkey.pem every few months, and `kontalkctl reload` (or SIGHUP)
// must bring the new pair into use without dropping a connection. Every TLS context the server
// makes (c2s, HTTP, s2s) asks this object for the certificate at each handshake (OpenSSL's
// certificate callback), so a replacement applies to the next handshake; established
// connections keep the certificate they negotiated.
//
// Threading: load(), names() and describe() on any thread; replace() on any thread; the
// callback installed by install() runs on the shards during handshakes. install() at start-up,
// before the contexts are used; this object must outlive them.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "base/status.hpp"

namespace kontalk::net {

// A certificate chain and its private key, read from PEM files and checked to belong together.
struct CertificatePair;

// Reads `certificate` (PEM: the server's certificate first, then its intermediates, as in
// certbot's fullchain.pem) and `privateKey` (PEM). InvalidArgument, naming the file, when either
// does not load or the key is not the certificate's.
Result<std::shared_ptr<const CertificatePair>> loadCertificatePair(
    const std::filesystem::path& certificate, const std::filesystem::path& privateKey);
// Whether the server's certificate names `domain` (subjectAltName DNS, or CN without one;
// wildcards allowed, RFC 6125 §6.4): what a client such as Kontalk's Android app checks.
bool certificateNames(const CertificatePair& pair, std::string_view domain);
// "subject CN=example.org, issuer CN=R3, valid until Mar  1 12:00:00 2027 GMT", for the log.
std::string describeCertificate(const CertificatePair& pair);

class ServerCertificate {
 public:
  explicit ServerCertificate(std::shared_ptr<const CertificatePair> initial);

  // Handshakes from now on present `pair`.
  void replace(std::shared_ptr<const CertificatePair> pair);
  std::shared_ptr<const CertificatePair> current() const;
  // Makes `context` present the current certificate at each handshake (server and client role).
  void install(SSL_CTX* context);

 private:
  static int selectCertificate(SSL* ssl, void* self);

  mutable std::mutex mutex_;
  std::shared_ptr<const CertificatePair> current_;
};

}  // namespace kontalk::net
