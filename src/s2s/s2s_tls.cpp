#include "s2s/s2s_tls.hpp"

#include <stdexcept>
#include <string>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "net/openssl_error.hpp"

namespace kontalk::s2s {
namespace {

// The chain is checked during the handshake only to learn its verdict (SSL_get_verify_result):
// an untrusted peer still gets TLS, and may authenticate with dialback instead of EXTERNAL.
int recordVerdict(int /*preverified*/, X509_STORE_CTX* /*context*/) {
  return 1;
}

net::TlsContext makeContext(const SSL_METHOD* method, const std::filesystem::path& certificate,
                            const std::filesystem::path& privateKey,
                            const std::filesystem::path& caFile) {
  net::TlsContext context(SSL_CTX_new(method));
  if (!context)
    throw std::runtime_error("cannot create s2s TLS context: " + net::takeOpenSslError());
  SSL_CTX* native = context.get();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);  // spec §7.2: TLS 1.2 or newer
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(native, certificate.c_str()) != 1) {
    throw std::runtime_error("cannot load TLS certificate " + certificate.string() + ": " +
                             net::takeOpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(native, privateKey.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("cannot load TLS private key " + privateKey.string() + ": " +
                             net::takeOpenSslError());
  }
  const int loaded = caFile.empty()
                         ? SSL_CTX_set_default_verify_paths(native)
                         : SSL_CTX_load_verify_locations(native, caFile.c_str(), nullptr);
  if (loaded != 1) {
    throw std::runtime_error("cannot load [s2s] ca_file " + caFile.string() + ": " +
                             net::takeOpenSslError());
  }
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, recordVerdict);
  return context;
}

}  // namespace

S2sTls makeS2sTls(const std::filesystem::path& certificate, const std::filesystem::path& privateKey,
                  const std::filesystem::path& caFile) {
  return S2sTls{makeContext(TLS_server_method(), certificate, privateKey, caFile),
                makeContext(TLS_client_method(), certificate, privateKey, caFile)};
}

bool peerCertificateValidFor(X509* certificate, long verifyResult, std::string_view domain) {
  if (certificate == nullptr || verifyResult != X509_V_OK || domain.empty()) return false;
  // No wildcards for a server's own identity check (RFC 6125 §6.4.3 lets the verifier refuse
  // them); X509_check_host falls back to the CN only when there is no DNS subjectAltName.
  return X509_check_host(certificate, domain.data(), domain.size(), X509_CHECK_FLAG_NO_WILDCARDS,
                         nullptr) == 1;
}

}  // namespace kontalk::s2s
