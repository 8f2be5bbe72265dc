#include "modules/register/certificate_login.hpp"

#include <openssl/sha.h>

#include "pgp/bridge_certificate.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::registration {
namespace {

std::string sha256(std::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

tl::unexpected<Status> refuse(std::string reason) {
  return failure(StatusCode::PermissionDenied, std::move(reason));
}

}  // namespace

Result<std::string> CertificateLogins::authenticate(std::string_view certificateDer,
                                                    std::int64_t now) {
  const std::string certificateDigest = sha256(certificateDer);
  auto cached = cachedLogin(certificateDigest, now);
  if (!cached) return tl::unexpected(cached.error());
  if (*cached) return std::move(**cached);
  auto login = verify(certificateDer, now);
  if (!login) return tl::unexpected(login.error());
  std::lock_guard lock(mutex_);
  // Bounded: a flood of distinct certificates costs at most one rebuild of the cache.
  if (verified_.size() >= kMaxCachedLogins) verified_.clear();
  verified_[certificateDigest] = *login;
  return login->username;
}

Result<std::optional<std::string>> CertificateLogins::cachedLogin(
    const std::string& certificateDigest, std::int64_t now) {
  VerifiedLogin login;
  {
    std::lock_guard lock(mutex_);
    auto found = verified_.find(certificateDigest);
    if (found == verified_.end()) return std::nullopt;
    login = found->second;
  }
  // The entry holds while the account's current key is exactly the key verified then: a new key
  // (registration, rollover) or a new copy of it (e.g. with a revocation) forces a verification.
  auto current = host_.storage().keys().currentKey(login.username, host_.domain());
  if (!current) return failure(current.error(), "stored key of " + login.username);
  const bool valid = *current && sha256((*current)->keyBinary) == login.keyDigest &&
                     (!login.keyExpires || *login.keyExpires > now);
  if (valid) return login.username;
  std::lock_guard lock(mutex_);
  verified_.erase(certificateDigest);
  return std::nullopt;
}

Result<CertificateLogins::VerifiedLogin> CertificateLogins::verify(std::string_view certificateDer,
                                                                   std::int64_t now) {
  const std::string& domain = host_.domain();
  const auto& serverKey = host_.serverKey();
  // Steps 1–2: the key block from the extension, and the certificate's key is its primary key.
  auto key = pgp::keyFromBridgeCertificate(certificateDer);
  if (!key) return refuse("certificate: " + key.error().message);
  // Step 3.
  if (key->isRevoked()) return refuse("key " + key->fingerprint() + " is revoked");
  if (key->isExpired(now)) return refuse("key " + key->fingerprint() + " has expired");
  // Step 4: a user id of this domain certified by the server key.
  auto jid = serverKey.certifiedJid(*key, domain);
  if (!jid) return refuse("certification: " + jid.error().message);
  auto username = xmpp::nodeprep(jid->substr(0, jid->find('@')));
  if (!username) return refuse("certified user id <" + *jid + "> is not a valid JID");

  // Step 5: key rollover against the stored key.
  auto& keys = host_.storage().keys();
  auto stored = keys.currentKey(*username, domain);
  if (!stored) return failure(stored.error(), "stored key of " + *jid);
  if (*stored) {
    auto old = pgp::PublicKey::parse((*stored)->keyBinary);
    if (!old) {
      return failure(StatusCode::DataLoss,
                     "stored key of " + *jid + " is unreadable: " + old.error().message);
    }
    if ((*stored)->fingerprint == key->fingerprint()) {
      // The server's copy may know more than the client's (a revocation it received).
      if (old->isRevoked())
        return refuse("stored copy of key " + key->fingerprint() + " is revoked");
    } else {
      const bool oldValid = !old->isRevoked() && !old->isExpired(now) &&
                            serverKey.certifiedJid(*old, domain).has_value();
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
  account.domain = domain;
  if (auto created = host_.storage().accounts().create(account);
      !created && !created.error().is(StatusCode::AlreadyExists)) {
    return failure(created.error(), "account " + *jid);
  }
  std::string currentBinary = key->binary();
  if (*stored && (*stored)->fingerprint == key->fingerprint()) {
    currentBinary = (*stored)->keyBinary;
  } else {
    if (auto saved = keys.setCurrentKey(*username, domain,
                                        storage::StoredKey{key->fingerprint(), key->binary(), now});
        !saved) {
      return failure(saved.error(), "key of " + *jid);
    }
    if (auto owner = xmpp::Jid::fromParts(*username, domain, "")) {
      host_.announceKeyChange(api::KeyChange{*owner, key->fingerprint(), key->binary()});
    }
  }
  return VerifiedLogin{*username, sha256(currentBinary), key->expirationTime()};
}

}  // namespace kontalk::modules::registration
