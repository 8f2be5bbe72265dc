#include "s2s/peer_trust_table.hpp"

namespace kontalk::s2s {

void PeerTrustTable::record(const std::string& domain, bool certified) {
  std::lock_guard lock(mutex_);
  peers_[domain].certified = certified;
}

void PeerTrustTable::recordKey(const std::string& domain, std::string fingerprint) {
  std::lock_guard lock(mutex_);
  peers_[domain].keyFingerprint = std::move(fingerprint);
}

bool PeerTrustTable::trusts(std::string_view domain, std::string_view fingerprint) {
  if (!requireCertificate_ && !verifyKeys_) return true;
  std::string key(domain);
  {
    std::lock_guard lock(mutex_);
    if (const auto found = peers_.find(key); found != peers_.end()) {
      const Peer& peer = found->second;
      if (requireCertificate_ && peer.certified && !*peer.certified) return false;
      if (verifyKeys_ && peer.keyFingerprint && *peer.keyFingerprint != fingerprint) return false;
      const bool complete =
          (!requireCertificate_ || peer.certified) && (!verifyKeys_ || peer.keyFingerprint);
      if (complete) return true;
    }
  }
  // Not known yet: not trusted (spec §7.2: a peer is asked only once it qualifies); a link
  // learns it for the next question.
  if (opener_) opener_(key);
  return false;
}

}  // namespace kontalk::s2s
