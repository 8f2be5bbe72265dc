#pragma once
// Server-side TLS configuration for client connections (ARCHITECTURE.md §8).
// Threading: both functions run at start-up on the main thread; the SSL_CTX is afterwards only
// read, by the streams on every shard (OpenSSL allows that).

#include <filesystem>
#include <string>

#include <memory>

#include <openssl/ssl.h>

#include "net/tls_settings.hpp"

namespace kontalk::net {

struct SslContextDeleter {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using TlsContext = std::unique_ptr<SSL_CTX, SslContextDeleter>;

// A server context (TLS `minimumVersion` or newer) with the given PEM certificate (chain) and
// key. It asks every client for a certificate but accepts any, or none, however malformed its
// extensions: Kontalk clients present self-signed "bridge" certificates whose trust comes from
// PGP, checked later by SASL EXTERNAL, never by X.509 (spec §2, ARCHITECTURE.md §8). Throws
// std::runtime_error naming the file when loading fails (start-up error).
TlsContext makeServerTlsContext(const std::filesystem::path& certificate,
                                const std::filesystem::path& privateKey,
                                TlsVersion minimumVersion = TlsVersion::Tls12);

// Creates a self-signed certificate (EC P-256, SHA-256, 10 years, subjectAltName DNS:domain)
// and its key, mode 0600, when either file is missing. Returns true if it generated them.
// For development and tests only; production configures real certificates.
bool ensureSelfSignedCertificate(const std::filesystem::path& certificate,
                                 const std::filesystem::path& privateKey,
                                 const std::string& domain);

}  // namespace kontalk::net
