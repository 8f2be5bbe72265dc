#include "pgp/certification.hpp"

#include <memory>

#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "pgp/packets.hpp"

namespace kontalk::pgp {
namespace {

// RFC 4880 §5.2.1, §9.1, §9.4, §5.2.3.1.
constexpr char kGenericCertification = 0x10;
constexpr char kRsa = 1;
constexpr char kSha256 = 8;
constexpr char kSubpacketCreationTime = 2;
constexpr char kSubpacketIssuer = 16;
constexpr char kSubpacketIssuerFingerprint = 33;  // RFC 4880bis; GnuPG and librnp read it

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string subpacket(char type, std::string_view data) {
  std::string out;
  out.push_back(static_cast<char>(data.size() + 1));  // < 192: one-octet length (§5.2.3.1)
  out.push_back(type);
  out.append(data);
  return out;
}

}  // namespace

Result<std::string> makeUserIdCertification(EVP_PKEY* signer, std::string_view signerKeyBody,
                                            std::string_view userKeyBody, std::string_view userId,
                                            std::uint32_t createdAt) {
  const std::string issuerFingerprint = packets::fingerprintV4(signerKeyBody);

  std::string created;
  packets::appendUint32(created, createdAt);
  const std::string hashedSubpackets =
      subpacket(kSubpacketCreationTime, created) +
      subpacket(kSubpacketIssuerFingerprint, std::string(1, '\x04') + issuerFingerprint);
  // The key id is the low 64 bits of a v4 fingerprint (§12.2).
  const std::string unhashedSubpackets =
      subpacket(kSubpacketIssuer, std::string_view(issuerFingerprint).substr(12, 8));

  std::string signedPart{'\x04', kGenericCertification, kRsa, kSha256};
  packets::appendUint16(signedPart, static_cast<std::uint32_t>(hashedSubpackets.size()));
  signedPart.append(hashedSubpackets);

  // §5.2.4: key packet (0x99, two-octet length), user id (0xB4, four-octet length), the signed
  // part of the signature, then the trailer 0x04 0xFF and the signed part's length.
  std::string hashed("\x99");
  packets::appendUint16(hashed, static_cast<std::uint32_t>(userKeyBody.size()));
  hashed.append(userKeyBody);
  hashed.push_back(static_cast<char>(0xB4));
  packets::appendUint32(hashed, static_cast<std::uint32_t>(userId.size()));
  hashed.append(userId);
  hashed.append(signedPart);
  hashed.append("\x04\xFF", 2);
  packets::appendUint32(hashed, static_cast<std::uint32_t>(signedPart.size()));

  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(hashed.data()), hashed.size(), digest);

  // RSASSA-PKCS1-v1_5 over the SHA-256 digest (§5.2.2, §13.1.3).
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* keyContext = nullptr;
  std::size_t length = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), &keyContext, EVP_sha256(), nullptr, signer) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(hashed.data()), hashed.size()) != 1) {
    return fail("OpenSSL: cannot start the certification signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(hashed.data()), hashed.size()) != 1) {
    return fail("OpenSSL: cannot sign the certification");
  }
  signature.resize(length);

  std::string body = signedPart;
  packets::appendUint16(body, static_cast<std::uint32_t>(unhashedSubpackets.size()));
  body.append(unhashedSubpackets);
  body.append(reinterpret_cast<const char*>(digest), 2);  // left 16 bits of the hash
  body.append(packets::writeMpi(signature));
  return packets::frame(packets::kSignature, body);
}

Result<std::string> insertUserIdSignature(std::string_view keyBinary, std::string_view userId,
                                          std::string_view signaturePacket) {
  auto packets = packets::split(keyBinary);
  if (!packets) return tl::unexpected(packets.error());
  for (std::size_t i = 0; i < packets->size(); ++i) {
    const auto& packet = (*packets)[i];
    if (packet.tag != packets::kUserId || packet.body != userId) continue;
    std::size_t next = i + 1;
    while (next < packets->size() && (*packets)[next].tag == packets::kSignature) ++next;
    const std::size_t at =
        next < packets->size()
            ? static_cast<std::size_t>((*packets)[next].whole.data() - keyBinary.data())
            : keyBinary.size();
    std::string out(keyBinary.substr(0, at));
    out.append(signaturePacket);
    out.append(keyBinary.substr(at));
    return out;
  }
  return fail("OpenPGP: the key has no user id \"" + std::string(userId) + "\"");
}

}  // namespace kontalk::pgp
