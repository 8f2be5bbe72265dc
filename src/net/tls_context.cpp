#include "net/tls_context.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "net/openssl_error.hpp"

namespace kontalk::net {
namespace {

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};
using UniqueFile = std::unique_ptr<FILE, FileCloser>;
using UniqueKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using UniqueCert = std::unique_ptr<X509, decltype(&X509_free)>;
using UniqueExtension = std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)>;

// Opens for writing with mode 0600 from the start, so the key is never readable by others.
UniqueFile openPrivateFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string());
  FILE* file = ::fdopen(fd, "w");
  if (file == nullptr) {
    ::close(fd);
    throw std::runtime_error("cannot open " + path.string());
  }
  return UniqueFile(file);
}

void addExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  UniqueExtension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value),
                            &X509_EXTENSION_free);
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
    throw std::runtime_error("cannot add certificate extension: " + takeOpenSslError());
  }
}

}  // namespace

TlsContext makeServerTlsContext(const std::filesystem::path& certificate,
                                const std::filesystem::path& privateKey,
                                TlsVersion minimumVersion) {
  TlsContext context(SSL_CTX_new(TLS_server_method()));
  if (!context) throw std::runtime_error("cannot create TLS context: " + takeOpenSslError());
  SSL_CTX* native = context.get();
  SSL_CTX_set_min_proto_version(
      native, minimumVersion == TlsVersion::Tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle connections should not pin 2 x 16 KiB of TLS buffers each (idle density matters).
  // Partial writes and moving buffers suit the transport's non-blocking write loop.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Kontalk bridge certificates are self-signed with SHA-1 and RSA-2048 by older clients; the
  // default security level would refuse them before our own checks run (spec §2). Ciphers are
  // still restricted explicitly below, so lowering the level does not admit weak ciphers.
  SSL_CTX_set_security_level(native, 0);
  if (SSL_CTX_set_cipher_list(native, "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!CAMELLIA:!ARIA") != 1) {
    throw std::runtime_error("cannot set TLS ciphers: " + takeOpenSslError());
  }
  if (SSL_CTX_use_certificate_chain_file(native, certificate.c_str()) != 1) {
    throw std::runtime_error("cannot load TLS certificate " + certificate.string() + ": " +
                             takeOpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(native, privateKey.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("cannot load TLS private key " + privateKey.string() + ": " +
                             takeOpenSslError());
  }
  // Request a certificate, do not require one, and accept whatever is presented: the decision
  // is SASL's (spec §0, §2). Accepting in the verify callback is not enough: X509_verify_cert
  // still decodes every extension while it builds the chain, and the Android client's
  // subjectAltName (Bouncy Castle's otherName without RFC 5280's [0] EXPLICIT wrapper) makes
  // OpenSSL 3 queue "invalid certificate" errors that end the handshake. Replacing the whole
  // verification keeps X509_verify_cert from running at all; the certificate is still kept as
  // the peer certificate for SASL EXTERNAL.
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(
      native, [](X509_STORE_CTX*, void*) { return 1; }, nullptr);
  // With peer verification on, OpenSSL refuses to resume sessions that lack an id context.
  static constexpr unsigned char kSessionContext[] = "kontalk-c2s";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  return context;
}

bool ensureSelfSignedCertificate(const std::filesystem::path& certificate,
                                 const std::filesystem::path& privateKey,
                                 const std::string& domain) {
  if (std::filesystem::exists(certificate) && std::filesystem::exists(privateKey)) return false;
  std::filesystem::create_directories(certificate.parent_path());
  std::filesystem::create_directories(privateKey.parent_path());

  UniqueKey key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  if (!key) throw std::runtime_error("cannot generate TLS key: " + takeOpenSslError());

  UniqueCert cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(domain.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  addExtension(cert.get(), NID_subject_alt_name, ("DNS:" + domain).c_str());
  addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign TLS certificate: " + takeOpenSslError());
  }

  auto keyFile = openPrivateFile(privateKey);
  if (PEM_write_PrivateKey(keyFile.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("cannot write " + privateKey.string());
  }
  UniqueFile certFile(std::fopen(certificate.c_str(), "w"));
  if (!certFile || PEM_write_X509(certFile.get(), cert.get()) != 1) {
    throw std::runtime_error("cannot write " + certificate.string());
  }
  return true;
}

}  // namespace kontalk::net
