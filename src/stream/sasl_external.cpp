#include "stream/sasl_external.hpp"

#include <chrono>

#include <openssl/sha.h>

#include "core/unix_time.hpp"
#include "pgp/bridge_certificate.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::stream {
namespace {

std::string sha256(std::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

tl::unexpected<std::string> refuse(std::string reason) {
  return tl::unexpected<std::string>(std::move(reason));
}

class ExternalMechanism final : public SingleMessageMechanism {
 public:
  ExternalMechanism(const SaslServices& services, std::string certificateDer)
      : services_(services), certificateDer_(std::move(certificateDer)) {}

 private:
  Awaitable<SaslStep> check(std::string authzid) override {
    if (services_.bridgeLogins == nullptr) {
      co_return SaslStep::failure("not-authorized", "EXTERNAL: not configured");
    }
    auto* logins = services_.bridgeLogins;
    auto result = co_await services_.workers.run(
        [logins, this] { return logins->authenticate(certificateDer_, core::unixNow()); });
    if (!result) co_return SaslStep::failure("not-authorized", "EXTERNAL: " + result.error());
    // Spec §3, RFC 6120 §6.3.8: an authzid may only name the JID the certificate proves.
    if (!authzid.empty() && authzid != *result + "@" + services_.domain) {
      co_return SaslStep::failure("not-authorized",
                                  "EXTERNAL: authzid " + authzid + " is not the certified JID");
    }
    co_return SaslStep::success(*result);
  }

  const SaslServices& services_;
  std::string certificateDer_;
};

}  // namespace

BridgeLogins::BridgeLogins(const pgp::ServerKey& serverKey, storage::AccountStore& accounts,
                           storage::KeyStore& keys, std::string domain)
    : serverKey_(serverKey), accounts_(accounts), keys_(keys), domain_(std::move(domain)) {}

tl::expected<std::string, std::string> BridgeLogins::authenticate(std::string_view certificateDer,
                                                                  std::int64_t now) {
  const std::string certificateDigest = sha256(certificateDer);
  if (auto username = cachedLogin(certificateDigest, now)) return *username;
  std::string keyDigest;
  std::optional<std::int64_t> keyExpires;
  auto username = verify(certificateDer, now, keyDigest, keyExpires);
  if (!username) return username;
  std::lock_guard lock(mutex_);
  // Bounded: a flood of distinct certificates costs at most one rebuild of the cache.
  if (verified_.size() >= kMaxCachedLogins) verified_.clear();
  verified_[certificateDigest] = VerifiedLogin{*username, std::move(keyDigest), keyExpires};
  return username;
}

std::optional<std::string> BridgeLogins::cachedLogin(const std::string& certificateDigest,
                                                     std::int64_t now) {
  VerifiedLogin login;
  {
    std::lock_guard lock(mutex_);
    auto found = verified_.find(certificateDigest);
    if (found == verified_.end()) return std::nullopt;
    login = found->second;
  }
  // The entry holds while the account's current key is exactly the key verified then: a new key
  // (registration, rollover) or a new copy of it (e.g. with a revocation) forces a verification.
  auto current = keys_.currentKey(login.username, domain_);
  const bool valid = current && *current && sha256((*current)->keyBinary) == login.keyDigest &&
                     (!login.keyExpires || *login.keyExpires > now);
  if (valid) return login.username;
  std::lock_guard lock(mutex_);
  verified_.erase(certificateDigest);
  return std::nullopt;
}

tl::expected<std::string, std::string> BridgeLogins::verify(
    std::string_view certificateDer, std::int64_t now, std::string& keyDigest,
    std::optional<std::int64_t>& keyExpires) {
  // Steps 1–2: the key block from the extension, and the certificate's key is its primary key.
  auto key = pgp::keyFromBridgeCertificate(certificateDer);
  if (!key) return refuse("certificate: " + key.error().message);
  // Step 3.
  if (key->isRevoked()) return refuse("key " + key->fingerprint() + " is revoked");
  if (key->isExpired(now)) return refuse("key " + key->fingerprint() + " has expired");
  // Step 4: a user id of this domain certified by the server key.
  auto jid = serverKey_.certifiedJid(*key, domain_);
  if (!jid) return refuse("certification: " + jid.error().message);
  auto username = xmpp::nodeprep(jid->substr(0, jid->find('@')));
  if (!username) return refuse("certified user id <" + *jid + "> is not a valid JID");

  // Step 5: key rollover against the stored key.
  auto stored = keys_.currentKey(*username, domain_);
  if (!stored) return refuse("storage: " + stored.error().message);
  if (*stored) {
    auto old = pgp::PublicKey::parse((*stored)->keyBinary);
    if (!old) return refuse("stored key of " + *jid + " is unreadable: " + old.error().message);
    if ((*stored)->fingerprint == key->fingerprint()) {
      // The server's copy may know more than the client's (a revocation it received).
      if (old->isRevoked())
        return refuse("stored copy of key " + key->fingerprint() + " is revoked");
    } else {
      const bool oldValid = !old->isRevoked() && !old->isExpired(now) &&
                            serverKey_.certifiedJid(*old, domain_).has_value();
      if (!oldValid) {
        return refuse("key rollover: stored key " + old->fingerprint() + " of " + *jid +
                      " is no longer valid");
      }
      if (key->creationTime() <= old->creationTime()) {
        return refuse("key rollover: key " + key->fingerprint() + " is not newer than stored key " +
                      old->fingerprint());
      }
    }
  }

  // Step 6: the account exists and the key is its current key.
  storage::Account account;
  account.username = *username;
  account.domain = domain_;
  if (auto created = accounts_.create(account);
      !created && created.error().kind != storage::StorageErrorKind::Conflict) {
    return refuse("storage: " + created.error().message);
  }
  std::string currentBinary = key->binary();
  if (*stored && (*stored)->fingerprint == key->fingerprint()) {
    currentBinary = (*stored)->keyBinary;
  } else if (auto saved = keys_.setCurrentKey(
                 *username, domain_, storage::StoredKey{key->fingerprint(), key->binary(), now});
             !saved) {
    return refuse("storage: " + saved.error().message);
  }
  keyDigest = sha256(currentBinary);
  keyExpires = key->expirationTime();
  return *username;
}

std::unique_ptr<SaslMechanism> makeExternalMechanism(const SaslServices& services,
                                                     std::string certificateDer) {
  return std::make_unique<ExternalMechanism>(services, std::move(certificateDer));
}

}  // namespace kontalk::stream
