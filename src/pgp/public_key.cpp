#include "pgp/public_key.hpp"

#include <algorithm>
#include <cctype>

#include "pgp/armor.hpp"
#include "pgp/packets.hpp"
#include "pgp/rnp_handles.hpp"
#include "pgp/rsa_key.hpp"

namespace kontalk::pgp {
namespace {

// The email of a user id "Name <email>" (RFC 4880 §5.11 by convention, RFC 2822 name-addr),
// lowercase; empty when there are no angle brackets.
std::string emailOf(std::string_view text) {
  const auto open = text.rfind('<');
  const auto close = text.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  std::string email(text.substr(open + 1, close - open - 1));
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return email;
}

}  // namespace

UserId UserId::fromText(std::string_view text) {
  return UserId{std::string(text), emailOf(text)};
}

Result<PublicKey> PublicKey::parse(std::string_view input) {
  if (input.size() > kMaxKeySize)
    return fail("OpenPGP: key larger than " + std::to_string(kMaxKeySize) + " bytes");
  auto dearmored = armor::binaryPackets(input);
  if (!dearmored) return tl::unexpected(dearmored.error());
  const std::string& binary = *dearmored;
  auto packets = packets::split(binary);
  if (!packets) return tl::unexpected(packets.error());
  if (packets->empty() || packets->front().tag != packets::kPublicKey) {
    return fail("OpenPGP: not a transferable public key");
  }
  // The first key only: its packets run up to the next primary key (RFC 4880 §11.1).
  const auto extent = packets::firstKeyExtent(*packets);
  const auto endOf = [&](std::size_t count) {
    const auto& last = (*packets)[count - 1].whole;
    return static_cast<std::size_t>(last.data() + last.size() - binary.data());
  };
  if (packets->front().body.empty() || packets->front().body.front() != 4) {
    return fail("OpenPGP: only v4 keys are supported");
  }

  PublicKey key;
  key.fingerprint_ = packets::upperHex(packets::fingerprintV4(packets->front().body));
  key.binary_ = binary.substr(0, endOf(extent.end));
  key.primaryLength_ = endOf(extent.subkeys);

  auto ffi = rnp::makeFfi();
  if (!ffi) return tl::unexpected(ffi.error());
  // Without the subkeys: the Android client's signing subkey carries a primary key binding
  // signature (RFC 4880 §5.2.1, 0x19) that librnp finds wrong ("wrong lbits", written to stderr
  // by Debian's librnp whatever rnp_ffi_set_log_fd says); nothing here depends on subkeys.
  if (auto imported = rnp::importKeys(ffi->get(), key.withoutSubkeys(), false); !imported) {
    return tl::unexpected(imported.error());
  }
  auto handle = rnp::locateByFingerprint(ffi->get(), key.fingerprint_);
  if (!handle) return tl::unexpected(handle.error());
  std::uint32_t created = 0;
  std::uint32_t lifetime = 0;
  bool revoked = false;
  std::size_t uidCount = 0;
  if (rnp_key_get_creation(handle->get(), &created) != RNP_SUCCESS ||
      rnp_key_get_expiration(handle->get(), &lifetime) != RNP_SUCCESS ||
      rnp_key_is_revoked(handle->get(), &revoked) != RNP_SUCCESS ||
      rnp_key_get_uid_count(handle->get(), &uidCount) != RNP_SUCCESS) {
    return fail("librnp: cannot read key properties");
  }
  key.creationTime_ = created;
  // RFC 4880 §5.2.3.6: the expiration is seconds after creation; zero means never.
  if (lifetime != 0) key.expirationTime_ = std::int64_t{created} + lifetime;
  key.revoked_ = revoked;
  for (std::size_t i = 0; i < uidCount; ++i) {
    auto text = rnp::string([&](char** out) { return rnp_key_get_uid_at(handle->get(), i, out); },
                            "user id");
    if (!text) return tl::unexpected(text.error());
    key.userIds_.push_back(UserId::fromText(*text));
  }
  return key;
}

Result<std::string> PublicKey::primaryKeySubjectPublicKeyInfo() const {
  auto packets = packets::split(binary_);
  if (!packets || packets->empty()) return fail("OpenPGP: key lost its packets");
  auto material = packets::readRsaPublicKey(packets->front().body);
  if (!material) return tl::unexpected(material.error());
  auto evp = rsaPublicKey(material->modulus, material->exponent);
  if (!evp) return tl::unexpected(evp.error());
  return subjectPublicKeyInfo(evp->get());
}

}  // namespace kontalk::pgp
