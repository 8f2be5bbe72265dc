#pragma once
// What the links learnt about each network peer (spec §7.2), kept for membership: whether the
// latest link that authenticated it, in either direction, saw a certificate valid for its domain
// (SASL EXTERNAL, or a certificate presented beside dialback), and the fingerprint of the server
// key it gave when asked (XEP-0189 pubkey, once per outbound link). With [s2s]
// require_certificate a peer without the former is a non-member; with [s2s] verify_keys one whose
// key differs from the list's (compared at each question, so a list edit counts at once). The
// links record; the network module asks through api::PeerTrust.
//
// The latest authentication wins: a peer that fixes its certificate becomes a member again with
// its next link, and one that falls back to dialback stops being one.
//
// Threading: any thread; one mutex. The opener, set once before the shards start, is called
// outside the lock.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/peer_trust.hpp"

namespace kontalk::s2s {

class PeerTrustTable final : public api::PeerTrust {
 public:
  // Opens a link to a domain (LinkManager::prepare), so that what it lacks becomes known.
  using Opener = std::function<void(const std::string& domain)>;

  PeerTrustTable(bool requireCertificate, bool verifyKeys)
      : requireCertificate_(requireCertificate), verifyKeys_(verifyKeys) {}

  bool verifiesKeys() const { return verifyKeys_; }
  // Before the shards start; without it (no s2s) unknown domains stay unknown.
  void setOpener(Opener opener) { opener_ = std::move(opener); }
  // A link authenticated `domain`; `certified`: a certificate valid for it was presented.
  void record(const std::string& domain, bool certified);
  // `domain` answered the key question with a key of `fingerprint` (empty: no usable key).
  void recordKey(const std::string& domain, std::string fingerprint);

  bool trusts(std::string_view domain, std::string_view fingerprint) override;

 private:
  struct Peer {
    std::optional<bool> certified;
    std::optional<std::string> keyFingerprint;
  };
  const bool requireCertificate_;
  const bool verifyKeys_;
  Opener opener_;
  std::mutex mutex_;
  std::unordered_map<std::string, Peer> peers_;
};

}  // namespace kontalk::s2s
