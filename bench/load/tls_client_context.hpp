#pragma once
// The generator's OpenSSL client context: TLS 1.2+, no certificate verification (the benchmark
// runs against its own self-signed certificate on loopback), optionally a client certificate for
// SASL EXTERNAL (XEP-0178).

#include <memory>
#include <string>

#include <openssl/ssl.h>
#include <tl/expected.hpp>

namespace kontalk::bench {

struct SslCtxDeleter {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using SslContextPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;

// `certificateFile` and `keyFile` are PEM files; both empty for no client certificate.
tl::expected<SslContextPtr, std::string> makeClientTlsContext(const std::string& certificateFile,
                                                              const std::string& keyFile);

}  // namespace kontalk::bench
