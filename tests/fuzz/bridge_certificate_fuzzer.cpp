// Fuzz target: the bridge certificate path of SASL EXTERNAL (spec §2–§3,
// src/pgp/bridge_certificate): a DER certificate, as a TLS client presents it, turned into the
// user's OpenPGP key. Properties checked, besides the sanitizers': a key is returned only when
// the certificate's public key is the key's RSA primary key.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "pgp/bridge_certificate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto key = kontalk::pgp::keyFromBridgeCertificate(input);
  if (!key) return 0;
  kontalk::fuzz::check(key->primaryKeySubjectPublicKeyInfo().has_value(),
                       "a bridge certificate's key has no RSA primary key");
  return 0;
}
