// Spec §4.3: an authenticated user replaces its key, proving the old one is revoked.
#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/register/registration.hpp"
#include "modules/register/registration_forms.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"

namespace kontalk::modules::registration {

using xmpp::StanzaErrorCondition;

namespace {

std::optional<pgp::PublicKey> parseKeyField(const xmpp::DataForm& form, std::string_view var,
                                            std::string& why) {
  const auto binary = decodeBase64Field(form.value(var).value_or(""), pgp::PublicKey::kMaxKeySize);
  if (!binary || binary->empty()) {
    why = std::string(var) + " is not base64";
    return std::nullopt;
  }
  auto key = pgp::PublicKey::parse(*binary);
  if (!key) {
    why = std::string(var) + ": " + key.error().message;
    return std::nullopt;
  }
  return std::move(*key);
}

bool namesUser(const pgp::PublicKey& key, const std::string& jid) {
  for (const auto& userId : key.userIds()) {
    if (userId.email == jid) return true;
  }
  return false;
}

}  // namespace

void Registration::rollOverKey(const IqReply& reply, const xmpp::DataForm& form,
                               const xmpp::Jid& user) {
  host_.runBlocking([this, reply, form, user] {
    const std::string jid = user.bareString();
    auto current = host_.storage().keys().currentKey(user.local(), user.domain());
    if (!current) {
      reply.failure(current.error(), "key look-up for " + jid);
      return;
    }
    std::string why;
    if (*current) {
      // The old key, carrying its revocation signature: proof that its owner gave it up.
      const auto revoked = form.value("revoked") ? parseKeyField(form, "revoked", why)
                                                 : std::optional<pgp::PublicKey>();
      if (!revoked || revoked->fingerprint() != (*current)->fingerprint || !revoked->isRevoked()) {
        spdlog::info("register: key rollover of {} refused: {}", jid,
                     !revoked ? (why.empty() ? "no revoked key" : why)
                              : "revoked key is not the current key or is not revoked");
        reply.error(stanzaError(StanzaErrorCondition::Forbidden, kInvalidRevocationKey));
        return;
      }
    }
    const auto key = parseKeyField(form, "publickey", why);
    if (!key || !namesUser(*key, jid) || key->isRevoked() || key->isExpired(base::unixNow())) {
      spdlog::info("register: key rollover of {} refused: {}", jid,
                   !key ? why : "new key does not name the user or is revoked or expired");
      reply.error(stanzaError(StanzaErrorCondition::Forbidden, kInvalidPublicKey));
      return;
    }
    spdlog::info("register: {} rolls its key over to {}", jid, key->fingerprint());
    certifyAndAnswer(reply, *key, user);
  });
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
