#pragma once
// An OpenPGP transferable public key (RFC 4880 §11.1), parsed with librnp. Kontalk identifies a
// user by such a key: its v4 fingerprint, and a user id whose email part is the user's bare JID
// (spec §1).
//
// Threading: immutable after parse(), so its const methods may be called from any thread;
// copies are cheap enough (the binary and a few strings). parse() imports the key into
// librnp: not cheap, so workers call it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgp/result.hpp"

namespace kontalk::pgp {

struct UserId {
  std::string text;   // the whole user id, e.g. "Alice <4bdd...@example.net>"
  std::string email;  // the part inside <...>, lowercase; empty when there is none

  // The user id whose text is `text` (RFC 4880 §5.11, by convention an RFC 2822 name-addr).
  static UserId fromText(std::string_view text);
};

class PublicKey {
 public:
  // Parses the first key of `binary` (binary packets, or ASCII armor). Fails on anything that is
  // not a public key with a v4 primary key. At most kMaxKeySize bytes are accepted.
  static Result<PublicKey> parse(std::string_view binary);

  static constexpr std::size_t kMaxKeySize = 256 * 1024;

  const std::string& fingerprint() const { return fingerprint_; }  // 40 uppercase hex (v4)
  std::int64_t creationTime() const { return creationTime_; }      // unix seconds
  // Unix seconds at which the primary key expires; nullopt = never.
  std::optional<std::int64_t> expirationTime() const { return expirationTime_; }
  // The primary key carries a valid revocation signature.
  bool isRevoked() const { return revoked_; }
  bool isExpired(std::int64_t now) const { return expirationTime_ && *expirationTime_ <= now; }
  const std::vector<UserId>& userIds() const { return userIds_; }
  const std::string& binary() const { return binary_; }  // the whole key, binary packets
  // The primary key with its user ids, revocations and their signatures: binary() without the
  // subkeys. What librnp is given to check: the server judges only the primary key and its
  // user ids (spec §3, §4), never subkeys, so their signatures are never verified.
  std::string_view withoutSubkeys() const {
    return std::string_view(binary_).substr(0, primaryLength_);
  }

  // The RSA primary key as DER SubjectPublicKeyInfo, to compare with an X.509 certificate's key
  // (spec §3 step 2). Fails for non-RSA primary keys.
  Result<std::string> primaryKeySubjectPublicKeyInfo() const;

 private:
  std::string binary_;
  std::size_t primaryLength_ = 0;
  std::string fingerprint_;
  std::int64_t creationTime_ = 0;
  std::optional<std::int64_t> expirationTime_;
  bool revoked_ = false;
  std::vector<UserId> userIds_;
};

}  // namespace kontalk::pgp
