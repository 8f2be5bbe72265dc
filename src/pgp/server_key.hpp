#pragma once
// The server's own OpenPGP key (spec §1): it certifies users' keys at registration and is the
// trust anchor of SASL EXTERNAL (spec §3 step 4).
//
// Files: the secret key is one unprotected binary OpenPGP secret key (RFC 4880 §5.5.3), mode
// 0600; beside it, publicKeyFile(secretKeyFile) holds the ASCII-armored public key for operators.
//
// Threading: a loaded ServerKey is immutable; its const methods may be called from any thread
// concurrently (signing is CPU work: call it from the worker pool, not a shard).

#include <filesystem>
#include <memory>
#include <string>

#include "pgp/public_key.hpp"
#include "pgp/result.hpp"

namespace kontalk::pgp {

class ServerKey {
 public:
  // Generates an RSA 3072 key with user id "Kontalk server <DOMAIN>" (naming the domain) and
  // writes the secret key (mode 0600) and the public key file. Fails if either file exists.
  static Result<void> generate(const std::filesystem::path& secretKeyFile,
                               const std::string& domain);
  static Result<ServerKey> load(const std::filesystem::path& secretKeyFile);
  // "<secretKeyFile without extension>.pub.asc": where generate() writes the public key.
  static std::filesystem::path publicKeyFile(const std::filesystem::path& secretKeyFile);

  ServerKey(ServerKey&&) noexcept;
  ServerKey& operator=(ServerKey&&) noexcept;
  ~ServerKey();

  const std::string& fingerprint() const;      // 40 uppercase hex
  const std::string& publicKeyBinary() const;  // transferable public key, binary packets
  std::string publicKeyArmored() const;        // the same, ASCII armor (RFC 4880 §6.2)
  const PublicKey& publicKey() const;

  // Adds this key's certification (type 0x10, generic, SHA-256; RFC 4880 §5.2.4) over the user id
  // of `userKey` whose email is `jid` (bare JID) and returns the whole user key (binary) with it.
  // Fails when the key has no such user id.
  Result<std::string> certify(const PublicKey& userKey, const std::string& jid) const;

  // The bare JID of a user id of `userKey` whose email is a JID of `domain` and that carries a
  // cryptographically valid certification by this key (types 0x10–0x13). Fails otherwise; the
  // message says which check failed.
  Result<std::string> certifiedJid(const PublicKey& userKey, const std::string& domain) const;

 private:
  struct Material;
  explicit ServerKey(std::unique_ptr<Material> material);
  std::unique_ptr<Material> material_;
};

}  // namespace kontalk::pgp
