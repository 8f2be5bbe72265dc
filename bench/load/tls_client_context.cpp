#include "tls_client_context.hpp"

#include <openssl/err.h>

namespace kontalk::bench {
namespace {

std::string lastSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

tl::expected<SslContextPtr, std::string> makeClientTlsContext(const std::string& certificateFile,
                                                              const std::string& keyFile) {
  SslContextPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) return tl::unexpected("cannot create a TLS context: " + lastSslError());
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
      return tl::unexpected("cannot load the client certificate: " + lastSslError());
    }
  }
  return context;
}

}  // namespace kontalk::bench
