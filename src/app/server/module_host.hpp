#pragma once
// The server's side of the module API: what api::ModuleHost promises, backed by the router's IQ
// handler table and the router itself.
//
// Threading: registration happens during start-up on the main thread; afterwards the tables are
// read-only and the accessors may be called from any shard.

#include <map>
#include <set>
#include <vector>

#include "api/module.hpp"
#include "core/config.hpp"
#include "router/iq_handler_table.hpp"
#include "router/router.hpp"

namespace kontalk::app {

class ServerModuleHost final : public api::ModuleHost {
 public:
  ServerModuleHost(const core::Config& config, router::IqHandlerTable& iqHandlers,
                   router::Router& router);

  const std::string& domain() const override { return config_.server.domain; }
  std::string configString(std::string_view module, std::string_view key,
                           std::string_view fallback) const override;
  void handleIq(api::IqScope scope, std::string xmlns, api::IqType type,
                api::IqHandler handler) override;
  void addDiscoFeature(api::IqScope scope, std::string var) override;
  void addDiscoIdentity(api::IqScope scope, api::DiscoIdentity identity) override;
  std::vector<std::string> discoFeatures(api::IqScope scope) const override;
  std::vector<api::DiscoIdentity> discoIdentities(api::IqScope scope) const override;
  void send(xml::Element stanza) override;

 private:
  const core::Config& config_;
  router::IqHandlerTable& iqHandlers_;
  router::Router& router_;
  std::map<api::IqScope, std::set<std::string>> features_;
  std::map<api::IqScope, std::vector<api::DiscoIdentity>> identities_;
};

}  // namespace kontalk::app
