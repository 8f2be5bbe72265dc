#include "net/server_certificate.hpp"

#include <cstdio>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "net/openssl_error.hpp"

namespace kontalk::net {

struct CertificatePair {
  std::unique_ptr<X509, decltype(&X509_free)> leaf{nullptr, &X509_free};
  // The intermediates after the leaf (may be empty).
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> chain{
      sk_X509_new_null(), [](STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};
};

namespace {

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

std::string nameOf(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

Result<std::shared_ptr<const CertificatePair>> loadCertificatePair(
    const std::filesystem::path& certificate, const std::filesystem::path& privateKey) {
  auto pair = std::make_shared<CertificatePair>();
  std::unique_ptr<FILE, FileCloser> certificateFile(std::fopen(certificate.c_str(), "r"));
  if (!certificateFile) {
    return failure(StatusCode::InvalidArgument, "cannot open " + certificate.string());
  }
  pair->leaf.reset(PEM_read_X509(certificateFile.get(), nullptr, nullptr, nullptr));
  if (!pair->leaf) {
    return failure(StatusCode::InvalidArgument, "no certificate in " + certificate.string() + ": " +
                                                    takeOpenSslError("no PEM data"));
  }
  while (X509* intermediate = PEM_read_X509(certificateFile.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(pair->chain.get(), intermediate);
  }
  ERR_clear_error();  // the end of the file ends the loop with an error queued
  std::unique_ptr<FILE, FileCloser> keyFile(std::fopen(privateKey.c_str(), "r"));
  if (!keyFile) return failure(StatusCode::InvalidArgument, "cannot open " + privateKey.string());
  pair->key.reset(PEM_read_PrivateKey(keyFile.get(), nullptr, nullptr, nullptr));
  if (!pair->key) {
    return failure(StatusCode::InvalidArgument, "no private key in " + privateKey.string() + ": " +
                                                    takeOpenSslError("no PEM data"));
  }
  if (X509_check_private_key(pair->leaf.get(), pair->key.get()) != 1) {
    ERR_clear_error();
    return failure(StatusCode::InvalidArgument,
                   privateKey.string() + " is not the key of " + certificate.string());
  }
  return std::shared_ptr<const CertificatePair>(std::move(pair));
}

bool certificateNames(const CertificatePair& pair, std::string_view domain) {
  return X509_check_host(pair.leaf.get(), domain.data(), domain.size(), 0, nullptr) == 1;
}

std::string describeCertificate(const CertificatePair& pair) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  ASN1_TIME_print(out.get(), X509_get0_notAfter(pair.leaf.get()));
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return "subject " + nameOf(X509_get_subject_name(pair.leaf.get())) + ", issuer " +
         nameOf(X509_get_issuer_name(pair.leaf.get())) + ", valid until " +
         std::string(data, static_cast<std::size_t>(size));
}

ServerCertificate::ServerCertificate(std::shared_ptr<const CertificatePair> initial)
    : current_(std::move(initial)) {}

void ServerCertificate::replace(std::shared_ptr<const CertificatePair> pair) {
  std::lock_guard lock(mutex_);
  current_ = std::move(pair);
}

std::shared_ptr<const CertificatePair> ServerCertificate::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void ServerCertificate::install(SSL_CTX* context) {
  SSL_CTX_set_cert_cb(context, &ServerCertificate::selectCertificate, this);
}

int ServerCertificate::selectCertificate(SSL* ssl, void* self) {
  const auto pair = static_cast<ServerCertificate*>(self)->current();
  // Cleared first: a renewal may change the key type, and OpenSSL keeps one certificate per key
  // type, so the context's original one would otherwise stay a candidate.
  SSL_certs_clear(ssl);
  const bool ok = SSL_use_certificate(ssl, pair->leaf.get()) == 1 &&
                  SSL_use_PrivateKey(ssl, pair->key.get()) == 1 &&
                  SSL_set1_chain(ssl, pair->chain.get()) == 1;
  return ok ? 1 : 0;
}

}  // namespace kontalk::net
