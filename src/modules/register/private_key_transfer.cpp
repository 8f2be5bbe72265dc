// Spec §4.4 (Kontalk account.md): a user parks its client-encrypted private key under a one-time
// token, and a new device fetches it with the token.
#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/code_provider.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

namespace {

constexpr std::size_t kTokenDigits = 40;  // spec §4.4
// An encrypted RSA private key with subkeys is a few KiB; this bounds what a user may park.
constexpr std::size_t kMaxPrivateKeyBytes = 64 * 1024;
// Attempts at a fresh token: 40 random digits collide never in practice, but the store's
// uniqueness is the rule, not the odds.
constexpr int kTokenTries = 3;

}  // namespace

void Registration::uploadPrivateKey(const IqReply& reply, const xmpp::DataForm& form,
                                    const xmpp::Jid& user) {
  const auto privateKey =
      decodeBase64Field(form.value("privatekey").value_or(""), kMaxPrivateKeyBytes);
  if (!privateKey || privateKey->empty()) {
    spdlog::info("register: private key upload of {} refused: missing, not base64 or too big",
                 user.bareString());
    reply.error(xmpp::StanzaError::of(StanzaErrorCondition::BadRequest,
                                      "The private key is missing, not base64 or too big."));
    return;
  }
  host_.runBlocking([this, reply, user, privateKey = *privateKey] {
    storage::PrivateKeyTransfer transfer;
    transfer.username = user.local();
    transfer.domain = user.domain();
    transfer.privateKey = privateKey;
    transfer.expiresAt = base::unixNow() + config_.privateKeyTtl.count();
    for (int attempt = 0; attempt < kTokenTries; ++attempt) {
      transfer.token = randomDigits(kTokenDigits);
      auto stored = host_.storage().registration().putPrivateKey(transfer);
      if (stored) {
        spdlog::info("register: {} parked its private key for transfer", user.bareString());
        reply.result(privateKeyTokenQuery(transfer.token));
        return;
      }
      if (!stored.error().is(StatusCode::AlreadyExists)) {
        return reply.failure(stored.error(), "storing the private key of " + user.bareString());
      }
    }
    // Random 40-digit tokens do not collide kTokenTries times in a row.
    reply.failure(Status{StatusCode::Internal, "no free private key token"},
                  "storing the private key of " + user.bareString());
  });
}

void Registration::retrievePrivateKey(const IqReply& reply, const xml::Element& account) {
  const auto* request = account.child("privatekey", kAccountNamespace);
  const std::string token =
      request != nullptr ? request->childText("token", kAccountNamespace) : std::string();
  if (token.size() != kTokenDigits) {
    spdlog::info("register: private key retrieval refused: malformed token");
    reply.error(stanzaError(StanzaErrorCondition::NotAuthorized, kInvalidPrivateKeyToken));
    return;
  }
  host_.runBlocking([this, reply, token] {
    auto taken = host_.storage().registration().takePrivateKey(token, base::unixNow());
    if (!taken) {
      reply.failure(taken.error(), "private key look-up");
      return;
    }
    if (!*taken) {
      spdlog::info("register: private key retrieval refused: unknown, used or expired token");
      reply.error(stanzaError(StanzaErrorCondition::NotAuthorized, kInvalidPrivateKeyToken));
      return;
    }
    const auto& transfer = **taken;
    auto publicKey = host_.storage().keys().currentKey(transfer.username, transfer.domain);
    if (!publicKey) {
      reply.failure(publicKey.error(), "key look-up");
      return;
    }
    spdlog::info("register: private key of {}@{} retrieved", transfer.username, transfer.domain);
    reply.result(
        privateKeyQuery(transfer.privateKey, *publicKey ? (*publicKey)->keyBinary : std::string()));
  });
}

}  // namespace kontalk::modules::registration
