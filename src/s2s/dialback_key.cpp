#include "s2s/dialback_key.hpp"

#include <array>
#include <string>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "base/encoding.hpp"

namespace kontalk::s2s {

std::string dialbackKey(std::string_view secret, std::string_view receiving,
                        std::string_view originating, std::string_view streamId) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> hashedSecret{};
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), hashedSecret.data());
  // XEP-0185 §3: the HMAC key is the hex form of SHA-256(secret).
  const std::string hexSecret = base::hexEncode(
      std::string_view(reinterpret_cast<const char*>(hashedSecret.data()), hashedSecret.size()));
  std::string text;
  text.reserve(receiving.size() + originating.size() + streamId.size() + 2);
  text.append(receiving).append(" ").append(originating).append(" ").append(streamId);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), hexSecret.data(), static_cast<int>(hexSecret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data(), &length);
  return base::hexEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
}

bool dialbackKeyMatches(std::string_view secret, std::string_view receiving,
                        std::string_view originating, std::string_view streamId,
                        std::string_view key) {
  const std::string expected = dialbackKey(secret, receiving, originating, streamId);
  return key.size() == expected.size() &&
         CRYPTO_memcmp(key.data(), expected.data(), expected.size()) == 0;
}

}  // namespace kontalk::s2s
