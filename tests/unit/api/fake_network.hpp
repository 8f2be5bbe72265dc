#pragma once
// Stand-ins for the network module's and the probe module's services (api/network_directory.hpp,
// api/network_probe.hpp) in module tests: a server list the test sets, and a fan-out whose
// answers the test gives.
// Threading: the test's thread only.

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/network_directory.hpp"
#include "api/network_probe.hpp"

namespace kontalk::api::testing {

class FakeNetworkDirectory final : public NetworkDirectory {
 public:
  explicit FakeNetworkDirectory(std::string local) : local_(std::move(local)) {}

  // The other servers, in list order.
  std::vector<NetworkServer> listed;
  std::chrono::milliseconds timeout{10'000};

  std::vector<NetworkServer> servers() const override {
    std::vector<NetworkServer> servers{{local_, std::string(40, 'A'), true}};
    for (const auto& server : listed) {
      if (server.enabled) servers.push_back(server);
    }
    return servers;
  }
  bool isNetworkDomain(std::string_view domain) const override {
    if (domain == local_) return true;
    for (const auto& server : listed) {
      if (server.domain == domain) return true;
    }
    return false;
  }
  // Membership as a test sets it: listed, and not in `untrusted`.
  std::vector<std::string> untrusted;
  bool isMember(std::string_view domain) const override {
    return isNetworkDomain(domain) &&
           std::find(untrusted.begin(), untrusted.end(), domain) == untrusted.end();
  }
  std::vector<std::string> peers() const override {
    std::vector<std::string> peers;
    for (const auto& server : listed) {
      if (server.enabled && isMember(server.domain)) peers.push_back(server.domain);
    }
    return peers;
  }
  std::chrono::milliseconds probeTimeout() const override { return timeout; }

 private:
  std::string local_;
};

class FakeNetworkProbe final : public NetworkProbe {
 public:
  struct Asked {
    std::vector<std::string> localparts;
    Done done;
  };
  // When set, every question is answered at once with these matches; else it waits in asked.
  std::optional<std::vector<xmpp::Jid>> answerAtOnce = std::vector<xmpp::Jid>{};
  std::vector<Asked> asked;

  void findOnPeers(std::vector<std::string> localparts, Done done) override {
    if (answerAtOnce) {
      asked.push_back({std::move(localparts), nullptr});
      done(*answerAtOnce);
      return;
    }
    asked.push_back({std::move(localparts), std::move(done)});
  }
};

}  // namespace kontalk::api::testing
