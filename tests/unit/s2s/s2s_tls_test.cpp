#include "s2s/s2s_tls.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace kontalk::s2s {
namespace {

using UniqueCertificate = std::unique_ptr<X509, decltype(&X509_free)>;

// A self-signed certificate with `commonName` and, when not empty, the subjectAltName `san`
// (OpenSSL config syntax, e.g. "DNS:a.test").
UniqueCertificate makeCertificate(const std::string& commonName, const std::string& san) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  UniqueCertificate certificate(X509_new(), &X509_free);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
  X509_set_pubkey(certificate.get(), key.get());
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  if (!san.empty()) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    X509_EXTENSION* extension =
        X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, san.c_str());
    X509_add_ext(certificate.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(certificate.get(), key.get(), EVP_sha256());
  return certificate;
}

TEST(PeerCertificateTest, ADnsSubjectAltNameNamesTheDomain) {
  const auto certificate = makeCertificate("ignored", "DNS:a.test");
  EXPECT_TRUE(peerCertificateValidFor(certificate.get(), X509_V_OK, "a.test"));
  EXPECT_FALSE(peerCertificateValidFor(certificate.get(), X509_V_OK, "b.test"));
}

TEST(PeerCertificateTest, TheCommonNameCountsOnlyWithoutDnsNames) {
  // RFC 6125 §6.4.4: the CN is a fallback for certificates without DNS subjectAltNames.
  const auto cnOnly = makeCertificate("a.test", "");
  EXPECT_TRUE(peerCertificateValidFor(cnOnly.get(), X509_V_OK, "a.test"));
  const auto both = makeCertificate("a.test", "DNS:other.test");
  EXPECT_FALSE(peerCertificateValidFor(both.get(), X509_V_OK, "a.test"));
}

TEST(PeerCertificateTest, AnUnverifiedChainIsNotValid) {
  const auto certificate = makeCertificate("a.test", "DNS:a.test");
  EXPECT_FALSE(
      peerCertificateValidFor(certificate.get(), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "a.test"));
  EXPECT_FALSE(peerCertificateValidFor(nullptr, X509_V_OK, "a.test"));
}

TEST(PeerCertificateTest, WildcardsAreNotAccepted) {
  const auto certificate = makeCertificate("x", "DNS:*.example.test");
  EXPECT_FALSE(peerCertificateValidFor(certificate.get(), X509_V_OK, "a.example.test"));
}

}  // namespace
}  // namespace kontalk::s2s
