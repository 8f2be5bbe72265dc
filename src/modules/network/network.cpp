// The Kontalk network's server list (spec §7.1) and network@DOMAIN's serverlist command (§7.3).
// The list is [[modules.network.servers]] with the operator's `kontalkctl network ...` edits
// applied; the module re-reads the edits every few seconds (a poll of a tiny table, simpler and
// more robust than a signal: no pid file, nothing lost when kontalkctl runs as another user or
// the server is restarting), so a change reaches a running server without a restart;
// `kontalkctl reload` (or SIGHUP) asks for the re-read at once (api::NetworkListRefresh).
#include <atomic>
#include <memory>

#include <spdlog/spdlog.h>

#include "api/adhoc_commands.hpp"
#include "api/module_descriptor.hpp"
#include "api/network_list_refresh.hpp"
#include "api/peer_trust.hpp"
#include "modules/network/network_settings.hpp"
#include "modules/network/server_list.hpp"
#include "modules/network/serverlist_command.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using namespace network;

// How often the operator's edits are looked for.
constexpr std::chrono::seconds kReloadInterval{2};

class NetworkModule final : public api::Module, public api::NetworkListRefresh {
 public:
  explicit NetworkModule(const NetworkSettings& settings) : settings_(settings) {}

  void start(api::ModuleHost& host) override {
    host_ = &host;
    list_ = std::make_unique<ServerList>(
        api::NetworkServer{host.domain(), host.serverKey().fingerprint(), true},
        std::chrono::milliseconds(settings_.probeTimeout), settings_.servers,
        host.service<api::PeerTrust>());
    host.provide<api::NetworkDirectory>(*list_);
    host.provide<api::NetworkListRefresh>(*this);
    host.advertiseService({kNetworkLocalpart,
                           "Network information",
                           {"component", "generic", "Network information"},
                           {ns::kCommands},
                           false,
                           {},
                           {}});
    // Spec §7.3: anyone may execute it, local or remote.
    commands_ = host.service<api::AdHocCommands>();
    commands_->addCommand({kNetworkLocalpart, kServerListNode, "Retrieve server list",
                           [](const xmpp::Jid&) { return true; },
                           [this](const api::AdHocRequest&, api::AdHocAnswer answer) {
                             auto step = api::AdHocStep::done("");
                             step.payload.push_back(serverListPayload(list_->servers()));
                             answer(std::move(step));
                           }});
    host.onInterval(kReloadInterval, [this] { scheduleReload(); });
    scheduleReload();
  }

  // kontalkctl reload / SIGHUP: the edits now rather than at the next poll.
  void refresh() override { scheduleReload(); }

  void stop() override {
    if (commands_ != nullptr) commands_->removeCommand(kNetworkLocalpart, kServerListNode);
  }

 private:
  // At most one reload at a time: a slow disk never stacks them up.
  void scheduleReload() {
    if (reloading_.exchange(true)) return;
    host_->runBlocking([this] {
      reload();
      reloading_ = false;
    });
  }

  // On a worker: the configured list with the table's edits (spec §7.1 "the table wins").
  void reload() {
    auto edits = host_->storage().network().all();
    if (!edits) {
      spdlog::warn("network: cannot read the server list's edits: {}", edits.error().message);
      return;
    }
    if (list_->replace(applyEdits(settings_.servers, *edits))) {
      std::string domains;
      for (const auto& server : list_->servers()) {
        domains += (domains.empty() ? "" : ", ") + server.domain;
      }
      spdlog::info("network: enabled servers: {}", domains);
    }
  }

  const NetworkSettings settings_;
  api::ModuleHost* host_ = nullptr;
  api::AdHocCommands* commands_ = nullptr;
  std::unique_ptr<ServerList> list_;
  std::atomic<bool> reloading_{false};
};

const api::ModuleRegistration kRegistration(api::describeModule<NetworkModule>(
    "network", "The Kontalk network's server list and network@DOMAIN (spec §7.1, §7.3)", {"adhoc"},
    networkOptions()));

}  // namespace
}  // namespace kontalk::modules
