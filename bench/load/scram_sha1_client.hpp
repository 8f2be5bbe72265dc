#pragma once
// SCRAM-SHA-1 (RFC 5802) client for the generator. Unlike sasl::ScramClient it can take
// SaltedPassword from a SaltedPasswordCache (RFC 5802 §5.1), so a login costs a few HMACs instead
// of a PBKDF2 run. Without channel binding ("n,,"). One instance per exchange.

#include <optional>
#include <string>
#include <string_view>

#include "salted_password_cache.hpp"

namespace kontalk::bench {

class ScramSha1Client {
 public:
  // `cache` may be null; it must outlive the client.
  ScramSha1Client(std::string username, std::string password, const SaltedPasswordCache* cache);

  // client-first-message.
  std::string clientFirst();
  // client-final-message for the server-first-message; nullopt (and `error` set) when the
  // challenge is malformed or does not extend our nonce.
  std::optional<std::string> handleServerFirst(std::string_view message, std::string& error);
  // True when server-final-message ("v=...") proves the server knows our ServerKey.
  bool verifyServerFinal(std::string_view message) const;

 private:
  std::string username_;
  std::string password_;
  const SaltedPasswordCache* cache_;
  std::string clientNonce_;
  std::string clientFirstBare_;
  std::string expectedServerSignature_;
};

}  // namespace kontalk::bench
