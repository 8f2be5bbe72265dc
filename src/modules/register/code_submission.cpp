#include "modules/register/code_submission.hpp"

#include <optional>

#include "modules/register/phone_number.hpp"
#include "modules/register/registration_forms.hpp"
#include "pgp/bridge_certificate.hpp"
#include "pgp/key_claims.hpp"

namespace kontalk::modules::registration {
namespace {

using xmpp::StanzaErrorCondition;

tl::unexpected<SubmissionRefusal> refuse(StanzaErrorCondition condition, const char* text,
                                         std::string reason) {
  return tl::unexpected(SubmissionRefusal{stanzaError(condition, text), std::move(reason)});
}

tl::unexpected<SubmissionRefusal> invalidKey(std::string reason) {
  return refuse(StanzaErrorCondition::Forbidden, kInvalidPublicKey, std::move(reason));
}

// The localpart of the first user id whose email is a phone-number account of `domain`.
std::optional<std::string> claimedUsername(const pgp::KeyClaims& claims,
                                           const std::string& domain) {
  const std::string suffix = "@" + domain;
  for (const auto& userId : claims.userIds) {
    if (!userId.email.ends_with(suffix)) continue;
    std::string username = userId.email.substr(0, userId.email.size() - suffix.size());
    if (isPhoneNumberUsername(username)) return username;
  }
  return std::nullopt;
}

bool namesUser(const pgp::PublicKey& key, const std::string& email) {
  for (const auto& userId : key.userIds()) {
    if (userId.email == email) return true;
  }
  return false;
}

}  // namespace

tl::expected<CodeSubmission, SubmissionRefusal> readCodeSubmission(
    const xmpp::DataForm& form, const std::string& certificateDer, const std::string& domain) {
  CodeSubmission submission;
  submission.code = form.value("code").value_or("");
  if (submission.code.size() > kMaxCodeLength) {
    return refuse(StanzaErrorCondition::BadRequest, kInvalidCode,
                  "code longer than " + std::to_string(kMaxCodeLength) + " characters");
  }
  std::optional<pgp::KeyClaims> claims;
  if (!certificateDer.empty()) {
    auto block = pgp::keyBlockOfBridgeCertificate(certificateDer);
    if (!block) return invalidKey("bridge certificate: " + block.error().message);
    auto read = pgp::readKeyClaims(*block);
    if (!read) return invalidKey("bridge certificate: " + read.error().message);
    claims = std::move(*read);
    submission.certificateDer = certificateDer;
  }
  if (const auto field = form.value("publickey")) {
    auto binary = decodeBase64Field(*field, pgp::PublicKey::kMaxKeySize);
    if (!binary) return invalidKey("publickey field: not base64 or too large");
    auto read = pgp::readKeyClaims(*binary);
    if (!read) return invalidKey("publickey field: " + read.error().message);
    if (claims && claims->fingerprint != read->fingerprint) {
      return invalidKey("publickey field is not the certificate's key");
    }
    if (!claims) claims = std::move(*read);
    submission.publicKeyField = std::move(*binary);
  }
  if (!claims) {
    return refuse(StanzaErrorCondition::BadRequest, kPhoneOrCodeNeeded,
                  "no client certificate and no publickey field");
  }
  auto username = claimedUsername(*claims, domain);
  if (!username) {
    return refuse(StanzaErrorCondition::BadRequest, kInvalidCode,
                  "key " + claims->fingerprint + " has no user id of an account of " + domain);
  }
  submission.username = std::move(*username);
  return submission;
}

Result<pgp::PublicKey> checkSubmittedKey(const CodeSubmission& submission,
                                         const std::string& domain, std::int64_t now) {
  std::optional<pgp::PublicKey> key;
  if (!submission.certificateDer.empty()) {
    auto fromCertificate = pgp::keyFromBridgeCertificate(submission.certificateDer);
    if (!fromCertificate)
      return pgp::fail("bridge certificate: " + fromCertificate.error().message);
    key = std::move(*fromCertificate);
  }
  if (!submission.publicKeyField.empty()) {
    auto fromField = pgp::PublicKey::parse(submission.publicKeyField);
    if (!fromField) return pgp::fail("publickey field: " + fromField.error().message);
    if (key && key->fingerprint() != fromField->fingerprint()) {
      return pgp::fail("publickey field is not the certificate's key");
    }
    if (!key) key = std::move(*fromField);
  }
  if (!key) return pgp::fail("no client certificate and no publickey field");
  if (key->isRevoked() || key->isExpired(now)) {
    return pgp::fail("key " + key->fingerprint() + " is revoked or expired");
  }
  if (!namesUser(*key, submission.username + "@" + domain)) {
    return pgp::fail("key " + key->fingerprint() + " has no valid user id for " +
                     submission.username + "@" + domain);
  }
  return std::move(*key);
}

}  // namespace kontalk::modules::registration
