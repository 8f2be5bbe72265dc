#include "app/server/module_host.hpp"

namespace kontalk::app {

ServerModuleHost::ServerModuleHost(const core::Config& config, router::IqHandlerTable& iqHandlers,
                                   router::Router& router)
    : config_(config), iqHandlers_(iqHandlers), router_(router) {}

std::string ServerModuleHost::configString(std::string_view module, std::string_view key,
                                           std::string_view fallback) const {
  const auto section = config_.modules.find(std::string(module));
  if (section == config_.modules.end()) return std::string(fallback);
  const auto value = section->second.find(std::string(key));
  return value == section->second.end() ? std::string(fallback) : value->second;
}

void ServerModuleHost::handleIq(api::IqScope scope, std::string xmlns, api::IqType type,
                                api::IqHandler handler) {
  iqHandlers_.add(scope, std::move(xmlns), type, std::move(handler));
}

void ServerModuleHost::addDiscoFeature(api::IqScope scope, std::string var) {
  features_[scope].insert(std::move(var));
}

void ServerModuleHost::addDiscoIdentity(api::IqScope scope, api::DiscoIdentity identity) {
  identities_[scope].push_back(std::move(identity));
}

std::vector<std::string> ServerModuleHost::discoFeatures(api::IqScope scope) const {
  const auto it = features_.find(scope);
  if (it == features_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<api::DiscoIdentity> ServerModuleHost::discoIdentities(api::IqScope scope) const {
  const auto it = identities_.find(scope);
  return it == identities_.end() ? std::vector<api::DiscoIdentity>{} : it->second;
}

void ServerModuleHost::send(xml::Element stanza) { router_.route(std::move(stanza)); }

}  // namespace kontalk::app
