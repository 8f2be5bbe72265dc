#include "pgp/bridge_certificate.hpp"

#include <memory>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pgp/rsa_key.hpp"

namespace kontalk::pgp {
namespace {

// Spec §2: derived from UUID 24e844a0-6cbc-11e3-8997-0002a5d5c51b (ITU-T X.667 2.25 arc).
constexpr const char* kKeyBlockExtension = "2.25.49058212633447845622587297037800555803";
// A certificate is a handful of kilobytes; the key block inside is bounded by PublicKey.
constexpr std::size_t kMaxCertificateSize = PublicKey::kMaxKeySize + 16 * 1024;

struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct ObjectDeleter {
  void operator()(ASN1_OBJECT* object) const { ASN1_OBJECT_free(object); }
};
struct BitStringDeleter {
  void operator()(ASN1_BIT_STRING* bits) const { ASN1_BIT_STRING_free(bits); }
};

using Certificate = std::unique_ptr<X509, X509Deleter>;

Result<Certificate> readCertificate(std::string_view certificateDer) {
  if (certificateDer.empty()) return fail("no client certificate");
  if (certificateDer.size() > kMaxCertificateSize) return fail("client certificate too large");
  const auto* cursor = reinterpret_cast<const unsigned char*>(certificateDer.data());
  Certificate certificate(d2i_X509(nullptr, &cursor, static_cast<long>(certificateDer.size())));
  if (!certificate) return fail("client certificate is not DER X.509");
  return certificate;
}

// Spec §2: the extension's value is a DER BIT STRING whose bytes are the key block.
Result<std::string> keyBlockOf(X509* certificate) {
  std::unique_ptr<ASN1_OBJECT, ObjectDeleter> oid(OBJ_txt2obj(kKeyBlockExtension, 1));
  if (!oid) return fail("OpenSSL: cannot encode the key block OID");
  const int index = X509_get_ext_by_OBJ(certificate, oid.get(), -1);
  if (index < 0) return fail("client certificate has no OpenPGP key extension");
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(certificate, index));
  const unsigned char* inner = ASN1_STRING_get0_data(value);
  std::unique_ptr<ASN1_BIT_STRING, BitStringDeleter> bits(
      d2i_ASN1_BIT_STRING(nullptr, &inner, ASN1_STRING_length(value)));
  if (!bits) return fail("OpenPGP key extension is not a DER BIT STRING");
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(bits.get())),
                     static_cast<std::size_t>(ASN1_STRING_length(bits.get())));
}

}  // namespace

Result<std::string> keyBlockOfBridgeCertificate(std::string_view certificateDer) {
  auto certificate = readCertificate(certificateDer);
  if (!certificate) return tl::unexpected(certificate.error());
  return keyBlockOf(certificate->get());
}

Result<PublicKey> keyFromBridgeCertificate(std::string_view certificateDer) {
  auto certificate = readCertificate(certificateDer);
  if (!certificate) return tl::unexpected(certificate.error());
  auto block = keyBlockOf(certificate->get());
  if (!block) return tl::unexpected(block.error());
  auto key = PublicKey::parse(*block);
  if (!key) return fail("OpenPGP key in the certificate: " + key.error().message);

  // Spec §3 step 2: the certificate's key is the PGP primary key, so the TLS handshake (which
  // proved possession of the certificate's private key) proved possession of the PGP key.
  EVP_PKEY* certificateKey = X509_get0_pubkey(certificate->get());
  if (certificateKey == nullptr) return fail("client certificate's public key is unreadable");
  auto certificateSpki = subjectPublicKeyInfo(certificateKey);
  if (!certificateSpki) return tl::unexpected(certificateSpki.error());
  auto keySpki = key->primaryKeySubjectPublicKeyInfo();
  if (!keySpki) return fail("OpenPGP key in the certificate: " + keySpki.error().message);
  if (*certificateSpki != *keySpki) {
    return fail("client certificate's public key differs from the OpenPGP primary key");
  }
  return key;
}

}  // namespace kontalk::pgp
