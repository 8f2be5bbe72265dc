// Spec §4.2: the client confirms the code with the key it will log in with.
//
// Unauthenticated, so every stage is ordered by what it costs: the throttle and a bounded read of
// the submission on the shard (code_submission.hpp), the pending verification on the storage pool,
// the provider's check on the external pool (it may wait for a network timeout), and only once
// the code was accepted the key's full check (public-key cryptography), its certification and the
// account, on the storage pool again. A wrong code never costs a key parse.
#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/code_submission.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

// One submission on its way through the stages; shared by them, so that the request (with its
// key, up to the stanza size limit) is copied once.
struct Registration::CodeConfirmation {
  IqReply reply;
  CodeSubmission submission;
  storage::VerificationRequest pending;
  VerificationProvider* provider = nullptr;

  std::string jid(const std::string& domain) const { return submission.username + "@" + domain; }
};

void Registration::confirmCode(const IqReply& reply, const xmpp::DataForm& form,
                               const std::string& certificateDer, const std::string& address) {
  // Before the submission is even read: a flooding address costs a map look-up.
  const auto now = ThrottleClock::now();
  if (const auto limit = codeThrottle_.tryAddress(address, now)) {
    spdlog::info("register: code from {} refused: throttled by {}", address, *limit);
    reply.error(throttledError());
    return;
  }
  auto submission = readCodeSubmission(form, certificateDer, host_.domain());
  if (!submission) {
    spdlog::info("register: code from {} refused: {}", address, submission.error().reason);
    reply.error(submission.error().error);
    return;
  }
  if (const auto limit = codeThrottle_.tryUser(submission->username, now)) {
    spdlog::info("register: code from {} for {} refused: throttled by {}", address,
                 submission->username, *limit);
    reply.error(throttledError());
    return;
  }
  auto confirmation = std::make_shared<CodeConfirmation>(
      CodeConfirmation{reply, std::move(*submission), {}, nullptr});
  host_.runBlocking([this, confirmation] { findVerification(confirmation); });
}

void Registration::findVerification(const std::shared_ptr<CodeConfirmation>& confirmation) {
  const auto& submission = confirmation->submission;
  const std::string& domain = host_.domain();
  const std::string jid = confirmation->jid(domain);
  auto found =
      host_.storage().registration().findVerification(submission.username, domain, base::unixNow());
  if (!found) {
    confirmation->reply.failure(found.error(), "verification look-up for " + jid);
    return;
  }
  if (!*found) return refuseCode(*confirmation, "no pending (or an expired) verification");
  confirmation->pending = std::move(**found);
  confirmation->provider = providers_.byName(confirmation->pending.provider);
  if (confirmation->provider == nullptr) {
    return refuseCode(*confirmation, "its provider is no longer configured");
  }
  if (submission.code.empty() && confirmation->provider->needsCode()) {
    spdlog::info("register: code confirmation for {} refused: no code", jid);
    confirmation->reply.error(stanzaError(StanzaErrorCondition::BadRequest, kPhoneOrCodeNeeded));
    return;
  }
  host_.runBlocking(
      [this, confirmation] {
        const auto checked = confirmation->provider->check(confirmation->pending.handle,
                                                           confirmation->submission.code);
        host_.runBlocking([this, confirmation, checked] { settleCode(confirmation, checked); });
      },
      api::WorkKind::External);
}

void Registration::settleCode(const std::shared_ptr<CodeConfirmation>& confirmation,
                              const CheckOutcome& checked) {
  auto& store = host_.storage().registration();
  const std::string& domain = host_.domain();
  const auto& pending = confirmation->pending;
  const std::string jid = confirmation->jid(domain);
  if (!checked) {
    const Status& failure = checked.error();
    if (!failure.isTransient()) {
      // The provider will not accept any code for this verification again.
      (void)store.removeVerification(pending.username, domain);
      return refuseCode(*confirmation, "provider " + pending.provider +
                                           " ended the verification: " + failure.message);
    }
    // Transient (or busy): the verification stays pending and the user may try again later; no
    // attempt is counted.
    spdlog::warn("register: provider {} could not check the code for {}: {}", pending.provider, jid,
                 failure.message);
    auto error = stanzaError(StanzaErrorCondition::ServiceUnavailable, kProviderUnavailable);
    error.type = xmpp::StanzaErrorType::Wait;
    confirmation->reply.error(error);
    return;
  }
  if (*checked == CodeCheck::WrongCode) {
    return refuseCode(*confirmation, "wrong code" + countFailedAttempt(pending));
  }
  // The code is right: now the key is worth checking.
  auto key = checkSubmittedKey(confirmation->submission, domain, base::unixNow());
  if (!key) {
    // Counted like a wrong code: the right code buys a bounded number of key checks.
    spdlog::info("register: code confirmation for {} refused: {}{}", jid, key.error().message,
                 countFailedAttempt(pending));
    confirmation->reply.error(stanzaError(StanzaErrorCondition::Forbidden, kInvalidPublicKey));
    return;
  }
  registerAccount(*confirmation, *key);
}

std::string Registration::countFailedAttempt(const storage::VerificationRequest& pending) {
  auto& store = host_.storage().registration();
  auto attempts = store.recordFailedAttempt(pending.username, pending.domain);
  if (attempts && *attempts >= kMaxFailedAttempts) {
    (void)store.removeVerification(pending.username, pending.domain);
    return "; too many failed attempts, verification dropped";
  }
  return "";
}

void Registration::refuseCode(const CodeConfirmation& confirmation, std::string_view reason) {
  spdlog::info("register: code for {} refused: {}", confirmation.jid(host_.domain()), reason);
  confirmation.reply.error(stanzaError(StanzaErrorCondition::BadRequest, kInvalidCode));
}

void Registration::registerAccount(const CodeConfirmation& confirmation,
                                   const pgp::PublicKey& key) {
  const std::string& domain = host_.domain();
  const auto& pending = confirmation.pending;
  const auto user = xmpp::Jid::fromParts(pending.username, domain, "");
  if (!user) return refuseCode(confirmation, "its account is not a valid JID");
  auto certified = host_.serverKey().certify(key, user->bareString());
  if (!certified) {
    spdlog::info("register: cannot certify key {} for {}: {}", key.fingerprint(),
                 user->bareString(), certified.error().message);
    confirmation.reply.error(stanzaError(StanzaErrorCondition::Forbidden, kInvalidPublicKey));
    return;
  }
  // Single-use: of two confirmations racing with the right code, one wins.
  auto consumed =
      host_.storage().registration().consumeVerification(pending.username, domain, pending.handle);
  if (!consumed || !*consumed) return refuseCode(confirmation, "code already used");

  // Forced re-registration (spec §4.1 force): the old account and all it owns go, and the new
  // one comes with its key, in one transaction.
  storage::Account account;
  account.username = pending.username;
  account.domain = domain;
  const storage::StoredKey stored{key.fingerprint(), *certified, base::unixNow()};
  if (auto replaced = host_.storage().accounts().replace(account, stored); !replaced) {
    confirmation.reply.failure(replaced.error(), "registering " + user->bareString());
    return;
  }
  spdlog::info("register: {} ({}) registered with key {}", user->bareString(), pending.phone,
               key.fingerprint());
  host_.announceKeyChange(api::KeyChange{user->bare(), key.fingerprint(), *certified});
  confirmation.reply.result(signedKeyQuery(*certified));
}

}  // namespace kontalk::modules::registration
