#include "stream/sasl/scram_client.hpp"

#include "base/encoding.hpp"
#include "stream/sasl/saslprep.hpp"
#include "stream/sasl/scram_crypto.hpp"
#include "stream/sasl/scram_message.hpp"

namespace kontalk::sasl {
namespace {

constexpr std::size_t kClientNonceLength = 24;
// gs2 header without channel binding or authzid; c= in client-final is its base64 ("biws").
constexpr std::string_view kGs2Header = "n,,";

}  // namespace

ScramClient::ScramClient(ScramHash hash) : hash_(hash) {}

std::optional<std::string> ScramClient::clientFirst(std::string_view username) {
  const auto prepared = saslprep(username);
  if (!prepared) return std::nullopt;
  if (clientNonce_.empty()) clientNonce_ = base::randomAlphanumeric(kClientNonceLength);
  clientFirstBare_ = "n=" + encodeSaslname(*prepared) + ",r=" + clientNonce_;
  return std::string(kGs2Header) + clientFirstBare_;
}

std::variant<std::string, ScramClient::Error> ScramClient::handleServerFirst(
    std::string_view message, std::string_view password) {
  if (clientFirstBare_.empty() || !expectedServerSignature_.empty()) return Error::OutOfOrder;

  // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," ext]; a
  // leading "m=" is a mandatory extension we do not know, so it fails like any malformed message.
  const auto attributes = parseScramAttributes(message);
  if (!attributes || attributes->size() < 3 || (*attributes)[0].name != 'r' ||
      (*attributes)[1].name != 's' || (*attributes)[2].name != 'i') {
    return Error::MalformedChallenge;
  }
  const auto nonce = (*attributes)[0].value;
  if (!isValidNonce(nonce)) return Error::MalformedChallenge;
  if (!nonce.starts_with(clientNonce_) || nonce.size() == clientNonce_.size()) {
    return Error::NonceMismatch;
  }
  const auto salt = base::base64Decode((*attributes)[1].value);
  if (!salt || salt->empty()) return Error::MalformedChallenge;
  const auto iterations = parseIterationCount((*attributes)[2].value, kMaxIterations);
  if (!iterations) return Error::BadIterationCount;
  const auto prepared = saslprep(password);
  if (!prepared) return Error::PasswordRejected;

  const std::string salted = saltedPassword(hash_, *prepared, *salt, *iterations);
  const std::string clientKey = hmac(hash_, salted, "Client Key");
  const std::string storedKey = digest(hash_, clientKey);
  const std::string withoutProof =
      "c=" + base::base64Encode(kGs2Header) + ",r=" + std::string(nonce);
  const std::string authMessage =
      clientFirstBare_ + "," + std::string(message) + "," + withoutProof;
  const std::string clientProof = xorBytes(clientKey, hmac(hash_, storedKey, authMessage));
  expectedServerSignature_ = hmac(hash_, hmac(hash_, salted, "Server Key"), authMessage);
  return withoutProof + ",p=" + base::base64Encode(clientProof);
}

bool ScramClient::verifyServerFinal(std::string_view message) const {
  if (expectedServerSignature_.empty()) return false;
  // server-final-message = (server-error / verifier) ["," extensions]; "e=" means failure.
  const auto attributes = parseScramAttributes(message);
  if (!attributes || attributes->front().name != 'v') return false;
  const auto signature = base::base64Decode(attributes->front().value);
  return signature && constantTimeEquals(*signature, expectedServerSignature_);
}

}  // namespace kontalk::sasl
