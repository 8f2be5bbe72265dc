#pragma once
// Whether another server authenticated on its links as strictly as this network requires (spec
// §7.2): with [s2s] require_certificate, a peer that proved its domain with dialback alone is not
// a member; with [s2s] verify_keys, neither is one whose server key (fetched once per link) has
// another fingerprint than the list's. A non-member is not asked and its probes are refused.
// Provided by the server's s2s layer before the modules start, whether or not s2s is on; the
// network module reads it for membership (api::NetworkDirectory::isMember, peers()).
//
// Threading: any thread, shards included; never blocks (a mutex around a small map).

#include <string_view>

namespace kontalk::api {

class PeerTrust {
 public:
  virtual ~PeerTrust() = default;
  // True when nothing more is required, or when the latest link that authenticated `domain` (in
  // either direction) saw a certificate valid for it and, with verify_keys, its key has
  // `fingerprint` (the list's). False while that is not known yet: the call then opens a link,
  // so that a later call knows.
  virtual bool trusts(std::string_view domain, std::string_view fingerprint) = 0;
};

}  // namespace kontalk::api
