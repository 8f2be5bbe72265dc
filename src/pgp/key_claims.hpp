#pragma once
// What a key block says about itself, read from its packet framing alone: the fingerprint of its
// first key and that key's user ids. Nothing is verified (no signature, no key material), so
// none of it may be trusted; it only decides what work to do before the key is checked. The
// registration code step (spec §4.2) finds the pending verification by it and checks the code
// before it pays for PublicKey::parse.
//
// Cost: one pass over the packet headers (and a dearmoring), no public-key cryptography.
// Threading: a pure function, cheap enough for a shard; any thread.

#include <string>
#include <string_view>
#include <vector>

#include "pgp/public_key.hpp"
#include "pgp/result.hpp"

namespace kontalk::pgp {

struct KeyClaims {
  std::string fingerprint;      // v4 fingerprint of the primary key packet, 40 uppercase hex
  std::vector<UserId> userIds;  // the user id packets before the subkeys, in packet order
};

// Reads the first key of `keyBlock` (binary packets or ASCII armor) as PublicKey::parse would
// find it: fails on what parse() refuses for its framing (too large, not a v4 public key).
Result<KeyClaims> readKeyClaims(std::string_view keyBlock);

}  // namespace kontalk::pgp
