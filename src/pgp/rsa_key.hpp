#pragma once
// OpenSSL RSA keys built from OpenPGP key material (RFC 4880 §5.5.2, §5.5.3). Internal to src/pgp.
// Threading: pure functions; any thread. An EvpKey is not changed once built, so threads may
// share it for signing and reading.

#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "pgp/result.hpp"

namespace kontalk::pgp {

struct EvpKeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpKey = std::unique_ptr<EVP_PKEY, EvpKeyDeleter>;

// Big-endian magnitudes, as OpenPGP MPIs hold them.
Result<EvpKey> rsaPublicKey(std::string_view modulus, std::string_view exponent);
// OpenPGP stores p, q and u = p^-1 mod q; OpenSSL's CRT values are derived from d, p and q.
Result<EvpKey> rsaPrivateKey(std::string_view modulus, std::string_view exponent,
                             std::string_view privateExponent, std::string_view p,
                             std::string_view q);

// DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of `key`.
Result<std::string> subjectPublicKeyInfo(EVP_PKEY* key);

}  // namespace kontalk::pgp
