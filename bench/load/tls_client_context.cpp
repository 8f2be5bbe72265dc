#include "tls_client_context.hpp"

#include "net/openssl_error.hpp"

namespace kontalk::bench {

tl::expected<SslContextPtr, std::string> makeClientTlsContext(const std::string& certificateFile,
                                                              const std::string& keyFile) {
  SslContextPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) return tl::unexpected("cannot create a TLS context: " + net::takeOpenSslError());
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  // Ten thousand idle sessions should not cost the generator 34 KiB of buffers each.
  SSL_CTX_set_mode(context.get(), SSL_MODE_RELEASE_BUFFERS);
  if (certificateFile.empty() != keyFile.empty()) {
    return tl::unexpected(std::string("give both a client certificate and its key"));
  }
  if (!certificateFile.empty()) {
    if (SSL_CTX_use_certificate_chain_file(context.get(), certificateFile.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(context.get(), keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
      return tl::unexpected("cannot load the client certificate: " + net::takeOpenSslError());
    }
  }
  return context;
}

}  // namespace kontalk::bench
