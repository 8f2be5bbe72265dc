// Spec §4.2: the client confirms the code with the key it will log in with.
#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "pgp/bridge_certificate.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

namespace {

// Longer than any code a provider sends; bounds what a client makes the server compare.
constexpr std::size_t kMaxCodeLength = 32;

// The key to certify: from the bridge certificate (spec §2) and/or the `publickey` field, which
// must then be the same key. nullopt with `why` set when neither gives a usable key.
std::optional<pgp::PublicKey> submittedKey(const xmpp::DataForm& form,
                                           const std::string& certificateDer, std::string& why) {
  std::optional<pgp::PublicKey> fromCertificate;
  if (!certificateDer.empty()) {
    auto key = pgp::keyFromBridgeCertificate(certificateDer);
    if (!key) {
      why = "bridge certificate: " + key.error().message;
      return std::nullopt;
    }
    fromCertificate = std::move(*key);
  }
  std::optional<pgp::PublicKey> fromField;
  if (const auto field = form.value("publickey")) {
    const auto binary = decodeBase64Field(*field, pgp::PublicKey::kMaxKeySize);
    auto key =
        binary ? pgp::PublicKey::parse(*binary) : Result<pgp::PublicKey>(pgp::fail("not base64"));
    if (!key) {
      why = "publickey field: " + key.error().message;
      return std::nullopt;
    }
    fromField = std::move(*key);
  }
  if (fromCertificate && fromField && fromCertificate->fingerprint() != fromField->fingerprint()) {
    why = "publickey field is not the certificate's key";
    return std::nullopt;
  }
  if (!fromCertificate && !fromField) why = "no client certificate and no publickey field";
  return fromCertificate ? std::move(fromCertificate) : std::move(fromField);
}

}  // namespace

void Registration::confirmCode(const IqReply& reply, const xmpp::DataForm& form,
                               const std::string& certificateDer) {
  // Spec §4.5: for "callerid" the code step carries no code; whether one is needed is known only
  // once the pending verification is found, so an absent code travels on as "".
  const std::string code = form.value("code").value_or("");
  if (code.size() > kMaxCodeLength) {
    spdlog::info("register: code refused: longer than {} characters", kMaxCodeLength);
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kInvalidCode));
    return;
  }
  host_.runBlocking([this, reply, form, certificateDer, code] {
    std::string why;
    const auto key = submittedKey(form, certificateDer, why);
    if (!key) {
      spdlog::info("register: code confirmation refused: {}", why);
      reply.error(stanzaError(why.starts_with("no ") ? StanzaErrorCondition::BadRequest
                                                     : StanzaErrorCondition::Forbidden,
                              why.starts_with("no ") ? kPhoneOrCodeNeeded : kInvalidPublicKey));
      return;
    }
    if (key->isRevoked() || key->isExpired(base::unixNow())) {
      spdlog::info("register: code confirmation refused: key {} is revoked or expired",
                   key->fingerprint());
      reply.error(stanzaError(StanzaErrorCondition::Forbidden, kInvalidPublicKey));
      return;
    }
    verifyAndCreateAccount(reply, code, *key);
  });
}

void Registration::verifyAndCreateAccount(const IqReply& reply, const std::string& code,
                                          const pgp::PublicKey& key) {
  auto& store = host_.storage().registration();
  const std::string& domain = host_.domain();
  const std::string suffix = "@" + domain;
  const auto refuse = [&](std::string_view reason) {
    spdlog::info("register: code for key {} refused: {}", key.fingerprint(), reason);
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kInvalidCode));
  };
  // Spec §4.2: the key's user id names the JID of a phone number with a pending verification.
  std::optional<storage::VerificationRequest> pending;
  for (const auto& userId : key.userIds()) {
    if (!userId.email.ends_with(suffix)) continue;
    const std::string username = userId.email.substr(0, userId.email.size() - suffix.size());
    auto found = store.findVerification(username, domain, base::unixNow());
    if (!found) {
      reply.failure(found.error(), "verification look-up");
      return;
    }
    if (*found) {
      pending = std::move(*found);
      break;
    }
  }
  if (!pending) return refuse("no pending (or an expired) verification for its user ids");
  auto* provider = providers_.byName(pending->provider);
  if (provider == nullptr) return refuse("its provider is no longer configured");
  const xmpp::Jid user = xmpp::Jid::parse(pending->username + suffix).value_or(xmpp::Jid{});
  if (code.empty() && provider->needsCode()) {
    spdlog::info("register: code confirmation for {} refused: no code", user.toString());
    reply.error(stanzaError(StanzaErrorCondition::BadRequest, kPhoneOrCodeNeeded));
    return;
  }
  const auto checked = provider->check(pending->handle, code);
  if (!checked) {
    const Status& failure = checked.error();
    if (!failure.isTransient()) {
      // The provider will not accept any code for this verification again.
      (void)store.removeVerification(pending->username, domain);
      return refuse("provider " + pending->provider + " ended the verification of " +
                    user.toString() + ": " + failure.message);
    }
    // Transient (or busy): the verification stays pending and the user may try again later; no
    // attempt is counted.
    spdlog::warn("register: provider {} could not check the code for {}: {}", pending->provider,
                 user.toString(), failure.message);
    auto error = stanzaError(StanzaErrorCondition::ServiceUnavailable, kProviderUnavailable);
    error.type = xmpp::StanzaErrorType::Wait;
    reply.error(error);
    return;
  }
  if (*checked == CodeCheck::WrongCode) {
    auto attempts = store.recordFailedAttempt(pending->username, domain);
    if (attempts && *attempts >= kMaxFailedAttempts) {
      (void)store.removeVerification(pending->username, domain);
      return refuse("wrong code; too many wrong codes, verification dropped");
    }
    return refuse("wrong code for " + user.toString());
  }
  // Single-use: of two confirmations racing with the right code, one wins.
  auto consumed = store.consumeVerification(pending->username, domain, pending->handle);
  if (!consumed || !*consumed) return refuse("code already used for " + user.toString());

  // Forced re-registration (spec §4.1 force): the old account and all it owns go.
  auto& accounts = host_.storage().accounts();
  if (auto removed = accounts.remove(pending->username, domain);
      !removed && removed.error().code != StatusCode::NotFound) {
    reply.failure(removed.error(), "removing the old account " + user.toString());
    return;
  }
  storage::Account account;
  account.username = pending->username;
  account.domain = domain;
  if (auto created = accounts.create(account); !created) {
    reply.failure(created.error(), "creating " + user.toString());
    return;
  }
  spdlog::info("register: {} ({}) registered with key {}", user.toString(), pending->phone,
               key.fingerprint());
  certifyAndAnswer(reply, key, user);
}

void Registration::certifyAndAnswer(const IqReply& reply, const pgp::PublicKey& key,
                                    const xmpp::Jid& user) {
  auto certified = host_.serverKey().certify(key, user.bareString());
  if (!certified) {
    spdlog::info("register: cannot certify key {} for {}: {}", key.fingerprint(), user.bareString(),
                 certified.error().message);
    reply.error(stanzaError(StanzaErrorCondition::Forbidden, kInvalidPublicKey));
    return;
  }
  storage::StoredKey stored{key.fingerprint(), *certified, base::unixNow()};
  if (auto saved = host_.storage().keys().setCurrentKey(user.local(), user.domain(), stored);
      !saved) {
    reply.failure(saved.error(), "storing the key of " + user.bareString());
    return;
  }
  host_.announceKeyChange(api::KeyChange{user.bare(), key.fingerprint(), *certified});
  reply.result(signedKeyQuery(*certified));
}

}  // namespace kontalk::modules::registration
