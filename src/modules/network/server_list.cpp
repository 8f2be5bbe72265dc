#include "modules/network/server_list.hpp"

#include <algorithm>

namespace kontalk::modules::network {

std::vector<api::NetworkServer> applyEdits(std::vector<api::NetworkServer> configured,
                                           const std::vector<storage::NetworkServerRow>& edits) {
  for (const auto& edit : edits) {
    const auto entry = std::find_if(configured.begin(), configured.end(), [&](const auto& server) {
      return server.domain == edit.domain;
    });
    if (edit.removed) {
      if (entry != configured.end()) configured.erase(entry);
    } else if (entry != configured.end()) {
      entry->enabled = edit.enabled;
      if (edit.fingerprint) entry->fingerprint = *edit.fingerprint;
    } else if (edit.fingerprint) {
      configured.push_back({edit.domain, *edit.fingerprint, edit.enabled});
    }
  }
  return configured;
}

ServerList::ServerList(api::NetworkServer local, std::chrono::milliseconds probeTimeout,
                       std::vector<api::NetworkServer> listed, api::PeerTrust* trust)
    : local_(std::move(local)), probeTimeout_(probeTimeout), trust_(trust) {
  replace(std::move(listed));
}

bool ServerList::replace(std::vector<api::NetworkServer> listed) {
  std::erase_if(listed, [this](const auto& server) { return server.domain == local_.domain; });
  auto next = std::make_shared<const Snapshot>(std::move(listed));
  std::lock_guard lock(mutex_);
  const bool changed =
      listed_ == nullptr || !std::equal(listed_->begin(), listed_->end(), next->begin(),
                                        next->end(), [](const auto& a, const auto& b) {
                                          return a.domain == b.domain &&
                                                 a.fingerprint == b.fingerprint &&
                                                 a.enabled == b.enabled;
                                        });
  listed_ = std::move(next);
  return changed;
}

std::shared_ptr<const ServerList::Snapshot> ServerList::snapshot() const {
  std::lock_guard lock(mutex_);
  return listed_;
}

std::vector<api::NetworkServer> ServerList::servers() const {
  std::vector<api::NetworkServer> servers{local_};
  for (const auto& server : *snapshot()) {
    if (server.enabled) servers.push_back(server);
  }
  return servers;
}

bool ServerList::isNetworkDomain(std::string_view domain) const {
  if (domain == local_.domain) return true;
  const auto listed = snapshot();
  return std::any_of(listed->begin(), listed->end(),
                     [domain](const auto& server) { return server.domain == domain; });
}

bool ServerList::isMember(std::string_view domain) const {
  if (domain == local_.domain) return true;
  const auto listed = snapshot();
  const auto server = std::find_if(listed->begin(), listed->end(),
                                   [domain](const auto& entry) { return entry.domain == domain; });
  return server != listed->end() &&
         (trust_ == nullptr || trust_->trusts(server->domain, server->fingerprint));
}

std::vector<std::string> ServerList::peers() const {
  std::vector<std::string> peers;
  for (const auto& server : *snapshot()) {
    // Every enabled peer is asked about its trust: each unknown one gets a link at once.
    if (server.enabled &&
        (trust_ == nullptr || trust_->trusts(server.domain, server.fingerprint))) {
      peers.push_back(server.domain);
    }
  }
  return peers;
}

}  // namespace kontalk::modules::network
