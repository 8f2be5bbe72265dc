#include "pgp/bridge_certificate.hpp"

#include <gtest/gtest.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pgp/packets.hpp"
#include "pgp/rsa_key.hpp"
#include "test_keys.hpp"

namespace kontalk::pgp {
namespace {

using testing::makeUserKey;

constexpr const char* kUserId = "Alice <alice@example.net>";

// The RSA private key of a test key's primary key, from its secret key packet (RFC 4880 §5.5.3).
EvpKey primaryPrivateKey(const std::string& secretBinary) {
  auto packets = packets::split(secretBinary).value();
  const std::string_view body = packets.front().body;
  auto material = packets::readRsaPublicKey(body).value();
  std::size_t offset = material.length + 1;  // unencrypted: s2k usage 0
  auto d = packets::readMpi(body, offset).value();
  auto p = packets::readMpi(body, offset).value();
  auto q = packets::readMpi(body, offset).value();
  return rsaPrivateKey(material.modulus, material.exponent, d, p, q).value();
}

// A bridge certificate (spec §2) for `certificateKey` carrying `keyBlock`, or without the
// extension when `keyBlock` is empty. Signed with SHA-1, as older clients do.
std::string bridgeCertificate(EVP_PKEY* certificateKey, const std::string& keyBlock) {
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), &X509_free);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  // notAfter = notBefore, as for keys that never expire.
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 0);
  X509_set_pubkey(certificate.get(), certificateKey);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("OpenPGP to X.509 Bridge"), -1,
                             -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  if (!keyBlock.empty()) {
    ASN1_BIT_STRING* bits = ASN1_BIT_STRING_new();
    ASN1_BIT_STRING_set(bits, reinterpret_cast<unsigned char*>(const_cast<char*>(keyBlock.data())),
                        static_cast<int>(keyBlock.size()));
    unsigned char* der = nullptr;
    const int length = i2d_ASN1_BIT_STRING(bits, &der);
    ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, der, length);
    ASN1_OBJECT* oid = OBJ_txt2obj("2.25.49058212633447845622587297037800555803", 1);
    X509_EXTENSION* extension = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, value);
    X509_add_ext(certificate.get(), extension, -1);
    X509_EXTENSION_free(extension);
    ASN1_OBJECT_free(oid);
    ASN1_OCTET_STRING_free(value);
    OPENSSL_free(der);
    ASN1_BIT_STRING_free(bits);
  }
  X509_sign(certificate.get(), certificateKey, EVP_sha1());
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate.get(), &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

TEST(BridgeCertificateTest, ExtractsTheKeyWhosePrimaryKeyIsTheCertificateKey) {
  const auto key = makeUserKey(kUserId);
  auto privateKey = primaryPrivateKey(key.secretBinary);
  auto extracted = keyFromBridgeCertificate(bridgeCertificate(privateKey.get(), key.publicBinary));
  ASSERT_TRUE(extracted) << extracted.error().message;
  EXPECT_EQ(extracted->binary(), key.publicBinary);
  EXPECT_EQ(extracted->userIds().at(0).email, "alice@example.net");
}

TEST(BridgeCertificateTest, RefusesACertificateWhoseKeyDiffers) {
  const auto key = makeUserKey(kUserId);
  auto otherPrivateKey = primaryPrivateKey(makeUserKey(kUserId).secretBinary);
  auto extracted =
      keyFromBridgeCertificate(bridgeCertificate(otherPrivateKey.get(), key.publicBinary));
  ASSERT_FALSE(extracted);
  EXPECT_NE(extracted.error().message.find("differs from the OpenPGP primary key"),
            std::string::npos);
}

TEST(BridgeCertificateTest, RefusesACertificateWithoutTheExtension) {
  auto privateKey = primaryPrivateKey(makeUserKey(kUserId).secretBinary);
  auto extracted = keyFromBridgeCertificate(bridgeCertificate(privateKey.get(), ""));
  ASSERT_FALSE(extracted);
  EXPECT_NE(extracted.error().message.find("no OpenPGP key extension"), std::string::npos);
}

TEST(BridgeCertificateTest, RefusesAnExtensionThatIsNotAKey) {
  auto privateKey = primaryPrivateKey(makeUserKey(kUserId).secretBinary);
  auto extracted = keyFromBridgeCertificate(bridgeCertificate(privateKey.get(), "not a key"));
  ASSERT_FALSE(extracted);
  EXPECT_NE(extracted.error().message.find("OpenPGP key in the certificate"), std::string::npos);
}

TEST(BridgeCertificateTest, KeyBlockIsTheExtensionAsItIsWhateverItHolds) {
  auto privateKey = primaryPrivateKey(makeUserKey(kUserId).secretBinary);
  // Not a key, and not the certificate's key: the block is handed over unchecked.
  EXPECT_EQ(keyBlockOfBridgeCertificate(bridgeCertificate(privateKey.get(), "not a key")).value(),
            "not a key");
  const auto other = makeUserKey(kUserId);
  EXPECT_EQ(
      keyBlockOfBridgeCertificate(bridgeCertificate(privateKey.get(), other.publicBinary)).value(),
      other.publicBinary);
  EXPECT_FALSE(keyBlockOfBridgeCertificate(bridgeCertificate(privateKey.get(), "")));
  EXPECT_FALSE(keyBlockOfBridgeCertificate(""));
  EXPECT_FALSE(keyBlockOfBridgeCertificate("\x30\x03\x02\x01\x01"));
}

TEST(BridgeCertificateTest, RefusesEmptyAndMalformedCertificates) {
  EXPECT_FALSE(keyFromBridgeCertificate(""));
  EXPECT_FALSE(keyFromBridgeCertificate("\x30\x03\x02\x01\x01"));
  EXPECT_FALSE(keyFromBridgeCertificate(std::string(PublicKey::kMaxKeySize + 64 * 1024, '\x30')));
}

}  // namespace
}  // namespace kontalk::pgp
