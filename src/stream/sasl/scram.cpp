#include "stream/sasl/scram.hpp"

#include <vector>

#include "base/encoding.hpp"
#include "stream/sasl/saslprep.hpp"
#include "stream/sasl/scram_crypto.hpp"
#include "stream/sasl/scram_message.hpp"

namespace kontalk::sasl {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kServerNonceLength = 24;

// Key material of an unknown user's challenge. Derived from a secret chosen once per process, so
// that repeated attempts for the same name see the same salt (a changing salt would reveal that
// the account does not exist) while nobody can predict it.
const std::string& processSecret() {
  static const std::string secret = base::randomBytes(32);
  return secret;
}

ScramCredentials credentialsFromSaltedPassword(ScramHash hash, std::string_view salted,
                                               std::string_view salt, std::uint32_t iterations) {
  ScramCredentials credentials;
  credentials.hash = hash;
  credentials.salt = salt;
  credentials.iterations = iterations;
  credentials.storedKey = digest(hash, hmac(hash, salted, "Client Key"));
  credentials.serverKey = hmac(hash, salted, "Server Key");
  return credentials;
}

}  // namespace

ScramCredentials fakeCredentials(ScramHash hash, std::string_view username) {
  const std::string label = hash == ScramHash::Sha1 ? "SCRAM-SHA-1:" : "SCRAM-SHA-256:";
  const std::string key = hmac(ScramHash::Sha256, processSecret(), label + std::string(username));
  ScramCredentials credentials;
  credentials.hash = hash;
  credentials.salt = key.substr(0, kSaltBytes);
  credentials.iterations = kDefaultScramIterations;
  credentials.storedKey = digest(hash, hmac(hash, key, "stored"));
  credentials.serverKey = hmac(hash, key, "server");
  return credentials;
}

std::optional<ScramCredentials> deriveScramCredentials(ScramHash hash, std::string_view password,
                                                       std::uint32_t iterations) {
  return deriveScramCredentials(hash, password, base::randomBytes(kSaltBytes), iterations);
}

std::optional<ScramCredentials> deriveScramCredentials(ScramHash hash, std::string_view password,
                                                       std::string_view salt,
                                                       std::uint32_t iterations) {
  const auto prepared = saslprep(password);
  if (!prepared) return std::nullopt;
  return credentialsFromSaltedPassword(hash, saltedPassword(hash, *prepared, salt, iterations),
                                       salt, iterations);
}

bool verifyPassword(const ScramCredentials& credentials, std::string_view password) {
  if (credentials.iterations == 0) return false;
  const auto derived =
      deriveScramCredentials(credentials.hash, password, credentials.salt, credentials.iterations);
  return derived && constantTimeEquals(derived->storedKey, credentials.storedKey);
}

ScramServerExchange::ScramServerExchange(ScramHash hash, std::string domain)
    : hash_(hash), domain_(std::move(domain)) {}

// client-first-message = gs2-header client-first-message-bare (RFC 5802 §7)
std::variant<std::string, ScramServerExchange::Error> ScramServerExchange::handleClientFirst(
    std::string_view message) {
  if (state_ != State::ExpectClientFirst) return Error::MalformedRequest;
  state_ = State::Done;  // until the message proves well-formed

  // gs2-cbind-flag: "p=" asks for channel binding, which we never advertise (RFC 5802 §6).
  if (message.starts_with("p=")) return Error::ChannelBindingUnsupported;
  if (!message.starts_with("n,") && !message.starts_with("y,")) return Error::MalformedRequest;
  const auto authzidEnd = message.find(',', 2);
  if (authzidEnd == std::string_view::npos) return Error::MalformedRequest;
  const auto authzidField = message.substr(2, authzidEnd - 2);
  std::optional<std::string> authzid;
  if (!authzidField.empty()) {
    if (!authzidField.starts_with("a=")) return Error::MalformedRequest;
    authzid = decodeSaslname(authzidField.substr(2));
    if (!authzid || authzid->empty()) return Error::MalformedRequest;
  }
  const auto bare = message.substr(authzidEnd + 1);

  const auto attributes = parseScramAttributes(bare);
  // "m=" is reserved for mandatory extensions, none of which we support (§5.1).
  if (!attributes || attributes->size() < 2 || (*attributes)[0].name != 'n' ||
      (*attributes)[1].name != 'r') {
    return Error::MalformedRequest;
  }
  const auto username = decodeSaslname((*attributes)[0].value);
  if (!username || username->empty()) return Error::MalformedRequest;
  const auto nonce = (*attributes)[1].value;
  if (!isValidNonce(nonce)) return Error::MalformedRequest;
  // Further optional extensions are allowed by the grammar and ignored (§5.1).

  auto prepared = saslprep(*username);
  if (!prepared) return Error::NotAuthorized;
  if (authzid) {
    const auto preparedAuthzid = saslprep(*authzid);
    const bool ownName =
        preparedAuthzid && (*preparedAuthzid == *prepared ||
                            (!domain_.empty() && *preparedAuthzid == *prepared + "@" + domain_));
    if (!ownName) return Error::InvalidAuthzid;
  }

  gs2Header_ = message.substr(0, authzidEnd + 1);
  clientFirstBare_ = bare;
  clientNonce_ = nonce;
  username_ = *prepared;
  state_ = State::ExpectCredentials;
  return std::move(*prepared);
}

// server-first-message = nonce "," salt "," iteration-count (RFC 5802 §7)
std::string ScramServerExchange::serverFirst(const std::optional<ScramCredentials>& credentials) {
  if (state_ != State::ExpectCredentials) return {};
  knownUser_ = credentials && credentials->hash == hash_ && credentials->iterations > 0 &&
               credentials->storedKey.size() == digestSize(hash_) &&
               credentials->serverKey.size() == digestSize(hash_);
  credentials_ = knownUser_ ? *credentials : fakeCredentials(hash_, username_);
  if (serverNonce_.empty()) serverNonce_ = base::randomAlphanumeric(kServerNonceLength);
  serverFirst_ = "r=" + clientNonce_ + serverNonce_ +
                 ",s=" + base::base64Encode(credentials_.salt) +
                 ",i=" + std::to_string(credentials_.iterations);
  state_ = State::ExpectClientFinal;
  return serverFirst_;
}

// client-final-message = channel-binding "," nonce ["," extensions] "," proof (RFC 5802 §7)
std::variant<std::string, ScramServerExchange::Error> ScramServerExchange::handleClientFinal(
    std::string_view message) {
  if (state_ != State::ExpectClientFinal) return Error::MalformedRequest;
  state_ = State::Done;  // one attempt per exchange, whatever the outcome

  const auto attributes = parseScramAttributes(message);
  if (!attributes || attributes->size() < 3 || (*attributes)[0].name != 'c' ||
      (*attributes)[1].name != 'r' || attributes->back().name != 'p') {
    return Error::MalformedRequest;
  }
  const auto channelBinding = base::base64Decode((*attributes)[0].value);
  const auto proof = base::base64Decode(attributes->back().value);
  if (!channelBinding || !proof) return Error::MalformedRequest;
  // Without channel binding, c= carries exactly the gs2 header of the first message (§7), which
  // stops an attacker from downgrading a "y" client's first message to "n".
  if (*channelBinding != gs2Header_) return Error::NotAuthorized;
  if ((*attributes)[1].value != clientNonce_ + serverNonce_) return Error::NotAuthorized;
  if (proof->size() != digestSize(hash_)) return Error::NotAuthorized;

  // The proof is the last attribute: what precedes ",p=" is client-final-message-without-proof.
  const auto withoutProof = message.substr(0, message.size() - attributes->back().value.size() - 3);
  const std::string authMessage =
      clientFirstBare_ + "," + serverFirst_ + "," + std::string(withoutProof);
  // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); check H(ClientKey).
  const std::string clientSignature = hmac(hash_, credentials_.storedKey, authMessage);
  const std::string clientKey = xorBytes(*proof, clientSignature);
  const bool proofMatches = constantTimeEquals(digest(hash_, clientKey), credentials_.storedKey);
  if (!proofMatches || !knownUser_) return Error::NotAuthorized;
  return "v=" + base::base64Encode(hmac(hash_, credentials_.serverKey, authMessage));
}

}  // namespace kontalk::sasl
