#include "net/transport.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <csignal>
#include <memory>
#include <string>

#include "net/tls_context.hpp"
#include "storage/temporary_directory.hpp"

namespace kontalk::net {
namespace {

using UniqueKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using UniqueCertificate = std::unique_ptr<X509, decltype(&X509_free)>;

void addExtension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  ASSERT_NE(extension, nullptr) << value;
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

// The subjectAltName Bouncy Castle writes for `new GeneralName(GeneralName.otherName,
// seq(xmppAddr OID, UTF8String jid))`: the otherName is tagged [0] implicitly and its value lacks
// RFC 5280's [0] EXPLICIT wrapper, which OpenSSL 3 refuses to decode.
void addBouncyCastleXmppAddr(X509* certificate, const std::string& jid) {
  const std::string oid = "\x06\x08\x2b\x06\x01\x05\x05\x07\x08\x05";
  const std::string utf8 = std::string("\x0c") + static_cast<char>(jid.size()) + jid;
  const std::string otherName =
      std::string("\xa0") + static_cast<char>(oid.size() + utf8.size()) + oid + utf8;
  const std::string names = std::string("\x30") + static_cast<char>(otherName.size()) + otherName;
  ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(value, reinterpret_cast<const unsigned char*>(names.data()),
                        static_cast<int>(names.size()));
  X509_EXTENSION* extension = X509_EXTENSION_create_by_NID(nullptr, NID_subject_alt_name, 0, value);
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  ASN1_OCTET_STRING_free(value);
}

// A certificate with every field the Android client's X509Bridge.createCertificate writes that
// X.509 validation dislikes: SHA-1 self-signature, notBefore = notAfter in the past, a CA
// basicConstraints, keyUsage 0xEC, Netscape cert type, and the malformed subjectAltName.
UniqueCertificate androidStyleCertificate(EVP_PKEY* key) {
  UniqueCertificate certificate(X509_new(), &X509_free);
  X509* native = certificate.get();
  X509_set_version(native, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(native), 1);
  const time_t created = 1500000000;
  ASN1_TIME_set(X509_getm_notBefore(native), created);
  ASN1_TIME_set(X509_getm_notAfter(native), created);
  X509_set_pubkey(native, key);
  X509_NAME* name = X509_get_subject_name(native);
  const auto add = [name](const char* field, const char* value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
  };
  add("O", "OpenPGP to X.509 Bridge");
  add("CN", "Kontalk user <4bdd4f929f3a1062253e4e496bafba0bdfb5db75@localhost>");
  X509_set_issuer_name(native, name);
  addExtension(native, NID_basic_constraints, "critical,CA:TRUE");
  addExtension(native, NID_key_usage,
               "critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement,keyCertSign");
  addExtension(native, NID_netscape_cert_type, "client,email");
  addExtension(native, NID_subject_key_identifier, "hash");
  addBouncyCastleXmppAddr(native, "4bdd4f929f3a1062253e4e496bafba0bdfb5db75@localhost");
  X509_sign(native, key, EVP_sha1());
  return certificate;
}

std::string toDer(X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

struct HandshakeOutcome {
  bool server = false;
  bool client = false;
  std::string peerCertificateDer;
  std::string received;  // what the server read after the handshake
};

// Leaves an error in this thread's OpenSSL error queue, as another connection of the same shard
// may: SSL_get_error() reads that queue.
void leaveStaleError() {
  ERR_raise(ERR_LIB_SSL, SSL_R_BAD_PACKET);
}

Awaitable<void> serve(asio::ip::tcp::acceptor& acceptor, SSL_CTX* context,
                      HandshakeOutcome& outcome) {
  Transport transport(co_await acceptor.async_accept(use_awaitable));
  outcome.server = co_await transport.startTls(context);
  if (X509* peer = transport.peerCertificate()) outcome.peerCertificateDer = toDer(peer);
  std::array<char, 64> buffer{};
  leaveStaleError();  // the client's bytes are not there yet: the read must wait, not fail
  const auto result = co_await transport.read(buffer);
  if (result.status == TransportStatus::Ok) outcome.received.assign(buffer.data(), result.bytes);
}

Awaitable<void> connect(asio::ip::tcp::endpoint server, SSL_CTX* context,
                        HandshakeOutcome& outcome) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::socket socket(executor);
  co_await socket.async_connect(server, use_awaitable);
  Transport transport(std::move(socket));
  outcome.client = co_await transport.startTlsClient(context, "localhost");
  asio::steady_timer pause(executor, std::chrono::milliseconds(50));
  co_await pause.async_wait(use_awaitable);
  co_await transport.write("<presence/>");
  transport.close();
}

class TransportTlsTest : public ::testing::TestWithParam<int> {
 protected:
  // As in kontalkd (core/process_limits): a peer that closes first must not kill the writer.
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }

  HandshakeOutcome handshakeWithClientCertificate(X509* certificate, EVP_PKEY* key) {
    const auto certificateFile = directory_.path() / "server.pem";
    const auto keyFile = directory_.path() / "server-key.pem";
    ensureSelfSignedCertificate(certificateFile, keyFile, "localhost");
    TlsContext server = makeServerTlsContext(certificateFile, keyFile);

    TlsContext client(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_security_level(client.get(), 0);  // the client signs with SHA-1, like Android
    SSL_CTX_set_min_proto_version(client.get(), GetParam());
    SSL_CTX_set_max_proto_version(client.get(), GetParam());
    SSL_CTX_use_certificate(client.get(), certificate);
    SSL_CTX_use_PrivateKey(client.get(), key);

    asio::io_context loop;
    asio::ip::tcp::acceptor acceptor(loop, {asio::ip::make_address("127.0.0.1"), 0});
    HandshakeOutcome outcome;
    asio::co_spawn(loop, serve(acceptor, server.get(), outcome), asio::detached);
    asio::co_spawn(loop, connect(acceptor.local_endpoint(), client.get(), outcome), asio::detached);
    loop.run_for(std::chrono::seconds(10));
    return outcome;
  }

  storage::testing::TemporaryDirectory directory_;
};

TEST_P(TransportTlsTest, AcceptsTheAndroidClientsBridgeCertificateAndKeepsItForSasl) {
  UniqueKey key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  auto certificate = androidStyleCertificate(key.get());
  const auto outcome = handshakeWithClientCertificate(certificate.get(), key.get());
  EXPECT_TRUE(outcome.server);
  EXPECT_TRUE(outcome.client);
  EXPECT_EQ(outcome.peerCertificateDer, toDer(certificate.get()));
}

// An error another connection of the shard left in the thread's error queue must not turn a
// harmless "want read" into a failed connection.
TEST_P(TransportTlsTest, AStaleErrorOnTheThreadDoesNotFailARead) {
  UniqueKey key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  auto certificate = androidStyleCertificate(key.get());
  const auto outcome = handshakeWithClientCertificate(certificate.get(), key.get());
  EXPECT_EQ(outcome.received, "<presence/>");
}

INSTANTIATE_TEST_SUITE_P(TlsVersions, TransportTlsTest,
                         ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION),
                         [](const auto& instance) {
                           return instance.param == TLS1_2_VERSION ? "Tls12" : "Tls13";
                         });

}  // namespace
}  // namespace kontalk::net
