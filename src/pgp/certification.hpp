#pragma once
// Third-party user id certification (RFC 4880 §5.2.1 type 0x10, §5.2.4), written with OpenSSL.
//
// Why not librnp: librnp 0.16 signs user ids only with the key's own secret key
// (rnp_key_add_uid creates self-certifications); its FFI has no call that certifies another
// key's user id. GPGME would mean a GnuPG home directory and agent per process. A v4 signature
// packet is small and fully specified, so it is built here and verified by librnp and GnuPG in
// the unit tests. Internal to src/pgp.
// Threading: pure functions; any thread (signing is CPU work: workers call it).

#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "pgp/result.hpp"

namespace kontalk::pgp {

// A framed signature packet: `signer` (RSA secret key whose v4 public key packet body is
// `signerKeyBody`) certifies `userId` of the key with public key packet body `userKeyBody`,
// with SHA-256 and creation time `createdAt` (unix seconds).
Result<std::string> makeUserIdCertification(EVP_PKEY* signer, std::string_view signerKeyBody,
                                            std::string_view userKeyBody, std::string_view userId,
                                            std::uint32_t createdAt);

// `keyBinary` with `signaturePacket` inserted after the signatures of the user id packet whose
// text is `userId` (RFC 4880 §11.1 order). Fails when there is no such user id.
Result<std::string> insertUserIdSignature(std::string_view keyBinary, std::string_view userId,
                                          std::string_view signaturePacket);

}  // namespace kontalk::pgp
