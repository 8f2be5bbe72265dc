#include "stream/sasl/scram_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <stdexcept>

namespace kontalk::sasl {
namespace {

const EVP_MD* messageDigest(ScramHash hash) {
  return hash == ScramHash::Sha1 ? EVP_sha1() : EVP_sha256();
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// OpenSSL fails here only on allocation failure or a broken provider setup: not a peer's doing.
[[noreturn]] void throwCryptoFailure(const char* what) {
  throw std::runtime_error(std::string("OpenSSL failure in ") + what);
}

}  // namespace

std::size_t digestSize(ScramHash hash) {
  return static_cast<std::size_t>(EVP_MD_get_size(messageDigest(hash)));
}

std::string digest(ScramHash hash, std::string_view data) {
  std::string out(digestSize(hash), '\0');
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), nullptr,
                 messageDigest(hash), nullptr) != 1) {
    throwCryptoFailure("EVP_Digest");
  }
  return out;
}

std::string hmac(ScramHash hash, std::string_view key, std::string_view data) {
  std::string out(digestSize(hash), '\0');
  unsigned int length = 0;
  if (HMAC(messageDigest(hash), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &length) == nullptr) {
    throwCryptoFailure("HMAC");
  }
  return out;
}

std::string saltedPassword(ScramHash hash, std::string_view password, std::string_view salt,
                           std::uint32_t iterations) {
  if (iterations == 0 || iterations > static_cast<std::uint32_t>(INT32_MAX)) {
    throw std::invalid_argument("SCRAM iteration count out of range");
  }
  std::string out(digestSize(hash), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt),
                        static_cast<int>(salt.size()), static_cast<int>(iterations),
                        messageDigest(hash), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throwCryptoFailure("PKCS5_PBKDF2_HMAC");
  }
  return out;
}

std::string xorBytes(std::string_view a, std::string_view b) {
  std::string out(a);
  for (std::size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] ^= b[i];
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kontalk::sasl
