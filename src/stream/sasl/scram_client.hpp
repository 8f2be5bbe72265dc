#pragma once
// SCRAM (RFC 5802, RFC 7677) client side, without channel binding ("n" flag, no authzid). Used by
// the benchmark's load generator and by tests.
// Threading: not thread-safe; one instance per exchange, used by one thread at a time.
// Usage:
//   client.clientFirst(username)                 -> send in <auth/>
//   client.handleServerFirst(challenge, password) -> send client-final in <response/>
//   client.verifyServerFinal(successData)         -> true when the server proved it knows the key

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "stream/sasl/scram.hpp"

namespace kontalk::sasl {

class ScramClient {
 public:
  enum class Error {
    OutOfOrder,          // called before clientFirst() or twice
    MalformedChallenge,  // server-first-message does not follow RFC 5802 §7
    NonceMismatch,       // server nonce does not extend ours
    BadIterationCount,   // zero or above kMaxIterations
    PasswordRejected,    // SASLprep rejects the password
  };

  // Refuse to spend more than this many PBKDF2 rounds for one login (a hostile server could ask
  // for billions).
  static constexpr std::uint32_t kMaxIterations = 1'000'000;

  explicit ScramClient(ScramHash hash);

  // client-first-message ("n,,n=<user>,r=<nonce>"); nullopt when SASLprep rejects the name.
  std::optional<std::string> clientFirst(std::string_view username);
  // Computes client-final-message from server-first-message.
  std::variant<std::string, Error> handleServerFirst(std::string_view message,
                                                     std::string_view password);
  // True when server-final-message carries the expected server signature (constant time).
  bool verifyServerFinal(std::string_view message) const;

  // For tests: fix the client nonce instead of generating it randomly (call before clientFirst).
  void setClientNonceForTesting(std::string nonce) { clientNonce_ = std::move(nonce); }

 private:
  ScramHash hash_;
  std::string clientNonce_;
  std::string clientFirstBare_;
  std::string expectedServerSignature_;  // raw bytes; empty until handleServerFirst succeeds
};

}  // namespace kontalk::sasl
