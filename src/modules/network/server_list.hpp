#pragma once
// The Kontalk network's server list (spec §7.1) as the network module keeps it: the entries of
// [[modules.network.servers]], overridden by the operator's edits in storage (the table wins),
// and always the local server, first and enabled. Published as api::NetworkDirectory.
//
// Threading: the free functions are pure; ServerList may be read and updated from any thread at
// once (an immutable snapshot swapped under a mutex: readers never wait for storage).

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/network_directory.hpp"
#include "api/peer_trust.hpp"
#include "storage/network_store.hpp"

namespace kontalk::modules::network {

// The configured entries with the operator's edits applied: a row of a configured domain sets
// its enabled flag (and fingerprint, when it has one) or removes it; a row with a fingerprint
// for a new domain appends it (in the rows' order); a row without one for an unknown domain
// means nothing.
std::vector<api::NetworkServer> applyEdits(std::vector<api::NetworkServer> configured,
                                           const std::vector<storage::NetworkServerRow>& edits);

class ServerList final : public api::NetworkDirectory {
 public:
  // `local` is the server itself (its domain and key); `listed` the network's other entries;
  // `trust` says which peers are members (nullptr: all of them).
  ServerList(api::NetworkServer local, std::chrono::milliseconds probeTimeout,
             std::vector<api::NetworkServer> listed, api::PeerTrust* trust = nullptr);

  // Replaces the listed servers (an entry for the local domain is ignored: it is always a
  // member, enabled, with its own key). True when the list changed.
  bool replace(std::vector<api::NetworkServer> listed);

  std::vector<api::NetworkServer> servers() const override;
  bool isNetworkDomain(std::string_view domain) const override;
  bool isMember(std::string_view domain) const override;
  std::vector<std::string> peers() const override;
  std::chrono::milliseconds probeTimeout() const override { return probeTimeout_; }

 private:
  using Snapshot = std::vector<api::NetworkServer>;
  std::shared_ptr<const Snapshot> snapshot() const;

  const api::NetworkServer local_;
  const std::chrono::milliseconds probeTimeout_;
  api::PeerTrust* const trust_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> listed_;  // without the local server
};

}  // namespace kontalk::modules::network
