#include "pgp/key_claims.hpp"

#include "pgp/armor.hpp"
#include "pgp/packets.hpp"

namespace kontalk::pgp {

Result<KeyClaims> readKeyClaims(std::string_view keyBlock) {
  if (keyBlock.size() > PublicKey::kMaxKeySize) {
    return fail("OpenPGP: key larger than " + std::to_string(PublicKey::kMaxKeySize) + " bytes");
  }
  auto binary = armor::binaryPackets(keyBlock);
  if (!binary) return tl::unexpected(binary.error());
  auto packets = packets::split(*binary);
  if (!packets) return tl::unexpected(packets.error());
  if (packets->empty() || packets->front().tag != packets::kPublicKey) {
    return fail("OpenPGP: not a transferable public key");
  }
  const auto& primary = packets->front().body;
  if (primary.empty() || primary.front() != 4) return fail("OpenPGP: only v4 keys are supported");
  KeyClaims claims;
  claims.fingerprint = packets::upperHex(packets::fingerprintV4(primary));
  const auto extent = packets::firstKeyExtent(*packets);
  for (std::size_t index = 1; index < extent.subkeys; ++index) {
    const auto& packet = (*packets)[index];
    if (packet.tag == packets::kUserId) claims.userIds.push_back(UserId::fromText(packet.body));
  }
  return claims;
}

}  // namespace kontalk::pgp
