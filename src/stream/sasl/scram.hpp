#pragma once
// SCRAM (RFC 5802) server side for SHA-1 and SHA-256 (RFC 7677), without channel binding
// (the server does not offer -PLUS mechanisms, so a client's "y" flag is accepted and "p" refused).
// Passwords are never stored: only salt, iteration count, StoredKey and ServerKey.
// User names and passwords are SASLprep'd (RFC 5802 §2.2, RFC 4013) here; callers pass them as
// received.
// Threading: the free functions are pure, any thread (derivation and verification are PBKDF2:
// workers call them); a ScramServerExchange belongs to one attempt, used on its stream's shard.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "storage/account_store.hpp"

namespace kontalk::sasl {

// Iteration count for new credentials; also what an unknown user's fake challenge announces, so
// that the count does not tell accounts apart.
inline constexpr std::uint32_t kDefaultScramIterations = 10000;

// The account store keeps ScramCredentials (storage/account_store.hpp); this is their SASL side.
using storage::ScramCredentials;
using storage::ScramHash;

// Derives credentials from a password with a fresh random 16-byte salt. nullopt when SASLprep
// rejects the password (such a password can never authenticate). Costly by design (PBKDF2): call
// from a worker thread, not an event loop.
std::optional<ScramCredentials> deriveScramCredentials(
    ScramHash hash, std::string_view password, std::uint32_t iterations = kDefaultScramIterations);
// The same with a given salt; used by tests and by the client.
std::optional<ScramCredentials> deriveScramCredentials(ScramHash hash, std::string_view password,
                                                       std::string_view salt,
                                                       std::uint32_t iterations);
// True when `password` yields these credentials (constant-time comparison of StoredKey); this is
// how PLAIN passwords are checked. Costly like derivation.
bool verifyPassword(const ScramCredentials& credentials, std::string_view password);
// Credentials no password matches, the same for the same name within one process: what an
// unknown user is checked against, so that neither the challenge (SCRAM salt) nor the time taken
// (PLAIN) tells unknown users from known ones.
ScramCredentials fakeCredentials(ScramHash hash, std::string_view username);

// One SCRAM exchange, server side. Not thread-safe; one instance per authentication attempt.
// Usage:
//   exchange.handleClientFirst(clientFirstMessage)   -> username, or error
//   look up the user's credentials (asynchronously), then
//   exchange.serverFirst(credentials)                 (send as <challenge/>)
//   exchange.handleClientFinal(clientFinalMessage)    -> server-final-message for <success/>
// Calls out of this order fail with MalformedRequest (serverFirst then returns "").
class ScramServerExchange {
 public:
  enum class Error {
    MalformedRequest,           // <malformed-request/>
    InvalidAuthzid,             // <invalid-authzid/>: an authzid other than the user's own
    ChannelBindingUnsupported,  // client demanded "p=" channel binding, which is not offered
    NotAuthorized,  // bad proof, unknown user, nonce or channel-binding mismatch, user name that
                    // SASLprep rejects: <not-authorized/>
  };

  // `domain` lets the client name itself as authzid by bare JID ("user@domain", RFC 6120 §6.3.8)
  // as well as by plain user name.
  explicit ScramServerExchange(ScramHash hash, std::string domain = {});

  // Parses client-first-message. On success returns the (SASLprep'd, unescaped) username.
  std::variant<std::string, Error> handleClientFirst(std::string_view message);
  // Produces server-first-message. With no credentials (unknown user) a fake but consistent
  // challenge is produced (salt derived from the user name and a per-process secret) so that the
  // exchange fails only at the proof, not revealing accounts. Credentials for another hash
  // function than the exchange's are treated as absent.
  std::string serverFirst(const std::optional<ScramCredentials>& credentials);
  // Verifies client-final-message; on success returns server-final-message ("v=...").
  std::variant<std::string, Error> handleClientFinal(std::string_view message);

  // For tests: fix the server nonce part instead of generating it randomly.
  void setServerNonceForTesting(std::string nonce) { serverNonce_ = std::move(nonce); }

 private:
  enum class State { ExpectClientFirst, ExpectCredentials, ExpectClientFinal, Done };

  ScramHash hash_;
  std::string domain_;
  State state_ = State::ExpectClientFirst;
  std::string username_;
  std::string clientFirstBare_;
  std::string clientNonce_;
  std::string gs2Header_;
  std::string serverNonce_;
  std::string serverFirst_;
  ScramCredentials credentials_;  // the user's, or fake ones for an unknown user
  bool knownUser_ = false;
};

}  // namespace kontalk::sasl
