// The server's replaceable certificate (src/net/server_certificate.cpp): loading a PEM chain and
// key as an ACME client writes them, the domain check, and that a replacement is what the next
// handshake presents.

#include "net/server_certificate.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "net/tls_context.hpp"
#include "storage/temporary_directory.hpp"

namespace kontalk::net {
namespace {

namespace fs = std::filesystem;

std::string readText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class ServerCertificateTest : public ::testing::Test {
 protected:
  // A self-signed pair for `domain` under the test's directory.
  std::pair<fs::path, fs::path> makePair(const std::string& domain) {
    const auto certificate = directory_.path() / (domain + ".pem");
    const auto key = directory_.path() / (domain + "-key.pem");
    ensureSelfSignedCertificate(certificate, key, domain);
    return {certificate, key};
  }

  storage::testing::TemporaryDirectory directory_;
};

TEST_F(ServerCertificateTest, LoadsAFullChainAndChecksTheDomain) {
  auto [certificate, key] = makePair("example.org");
  auto [other, otherKey] = makePair("intermediate.example");
  // certbot's fullchain.pem: the server's certificate, then the chain.
  const auto fullchain = directory_.path() / "fullchain.pem";
  std::ofstream(fullchain) << readText(certificate) << readText(other);
  auto pair = loadCertificatePair(fullchain, key);
  ASSERT_TRUE(pair) << pair.error().message;
  EXPECT_TRUE(certificateNames(**pair, "example.org"));
  EXPECT_FALSE(certificateNames(**pair, "example.com"));
  EXPECT_NE(describeCertificate(**pair).find("example.org"), std::string::npos);
}

TEST_F(ServerCertificateTest, RefusesAKeyOfAnotherCertificateAndMissingFiles) {
  auto [certificate, key] = makePair("example.org");
  auto [other, otherKey] = makePair("example.com");
  auto mismatched = loadCertificatePair(certificate, otherKey);
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code, StatusCode::InvalidArgument);
  EXPECT_FALSE(loadCertificatePair(directory_.path() / "missing.pem", key));
  EXPECT_FALSE(loadCertificatePair(key, key));  // no certificate in it
}

TEST_F(ServerCertificateTest, TheNextHandshakePresentsTheReplacement) {
  auto [first, firstKey] = makePair("first.example");
  auto [second, secondKey] = makePair("second.example");
  ServerCertificate current(*loadCertificatePair(first, firstKey));
  auto context = makeServerTlsContext(first, firstKey);
  current.install(context.get());

  // A handshake in memory: the client's certificate callback has nothing to do with it; what
  // the server sends is what the callback chose.
  auto handshake = [&context]() {
    SSL_CTX* clientContext = SSL_CTX_new(TLS_client_method());
    SSL* server = SSL_new(context.get());
    SSL* client = SSL_new(clientContext);
    BIO* serverEnd = nullptr;
    BIO* clientEnd = nullptr;
    BIO_new_bio_pair(&serverEnd, 0, &clientEnd, 0);
    SSL_set_bio(server, serverEnd, serverEnd);
    SSL_set_bio(client, clientEnd, clientEnd);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    for (int round = 0;
         round < 20 && !(SSL_is_init_finished(server) && SSL_is_init_finished(client)); ++round) {
      SSL_do_handshake(client);
      SSL_do_handshake(server);
    }
    X509* peer = SSL_get1_peer_certificate(client);
    std::string subject;
    if (peer != nullptr) {
      char name[256] = {};
      X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
      subject = name;
      X509_free(peer);
    }
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(clientContext);
    return subject;
  };
  EXPECT_NE(handshake().find("first.example"), std::string::npos);
  current.replace(*loadCertificatePair(second, secondKey));
  EXPECT_NE(handshake().find("second.example"), std::string::npos);
}

}  // namespace
}  // namespace kontalk::net
