#include "scram_sha1_client.hpp"

#include "base/encoding.hpp"
#include "stream/sasl/saslprep.hpp"
#include "stream/sasl/scram_crypto.hpp"
#include "stream/sasl/scram_message.hpp"

namespace kontalk::bench {
namespace {

constexpr std::size_t kClientNonceLength = 24;
constexpr std::string_view kGs2Header = "n,,";
constexpr std::uint32_t kMaxIterations = 1'000'000;  // a hostile server could ask for billions
constexpr auto kHash = sasl::ScramHash::Sha1;

}  // namespace

ScramSha1Client::ScramSha1Client(std::string username, std::string password,
                                 const SaltedPasswordCache* cache)
    : username_(std::move(username)), password_(std::move(password)), cache_(cache) {}

std::string ScramSha1Client::clientFirst() {
  clientNonce_ = base::randomAlphanumeric(kClientNonceLength);
  clientFirstBare_ = "n=" + sasl::encodeSaslname(username_) + ",r=" + clientNonce_;
  return std::string(kGs2Header) + clientFirstBare_;
}

std::optional<std::string> ScramSha1Client::handleServerFirst(std::string_view message,
                                                              std::string& error) {
  const auto attributes = sasl::parseScramAttributes(message);
  if (!attributes || attributes->size() < 3 || (*attributes)[0].name != 'r' ||
      (*attributes)[1].name != 's' || (*attributes)[2].name != 'i') {
    error = "malformed SCRAM challenge";
    return std::nullopt;
  }
  const auto nonce = (*attributes)[0].value;
  if (!nonce.starts_with(clientNonce_) || nonce.size() == clientNonce_.size()) {
    error = "SCRAM nonce mismatch";
    return std::nullopt;
  }
  const auto salt = base::base64Decode((*attributes)[1].value);
  const auto iterations = sasl::parseIterationCount((*attributes)[2].value, kMaxIterations);
  if (!salt || salt->empty() || !iterations) {
    error = "bad SCRAM salt or iteration count";
    return std::nullopt;
  }
  std::string salted;
  if (const auto cached = cache_ ? cache_->find(username_, *salt, *iterations) : std::nullopt) {
    salted = *cached;
  } else {
    const auto prepared = sasl::saslprep(password_);
    if (!prepared) {
      error = "SASLprep rejects the password";
      return std::nullopt;
    }
    salted = sasl::saltedPassword(kHash, *prepared, *salt, *iterations);
  }
  const std::string clientKey = sasl::hmac(kHash, salted, "Client Key");
  const std::string storedKey = sasl::digest(kHash, clientKey);
  const std::string withoutProof =
      "c=" + base::base64Encode(kGs2Header) + ",r=" + std::string(nonce);
  const std::string authMessage =
      clientFirstBare_ + "," + std::string(message) + "," + withoutProof;
  const std::string clientProof =
      sasl::xorBytes(clientKey, sasl::hmac(kHash, storedKey, authMessage));
  expectedServerSignature_ =
      sasl::hmac(kHash, sasl::hmac(kHash, salted, "Server Key"), authMessage);
  return withoutProof + ",p=" + base::base64Encode(clientProof);
}

bool ScramSha1Client::verifyServerFinal(std::string_view message) const {
  if (expectedServerSignature_.empty()) return false;
  const auto attributes = sasl::parseScramAttributes(message);
  if (!attributes || attributes->empty() || attributes->front().name != 'v') return false;
  const auto signature = base::base64Decode(attributes->front().value);
  return signature && sasl::constantTimeEquals(*signature, expectedServerSignature_);
}

}  // namespace kontalk::bench
