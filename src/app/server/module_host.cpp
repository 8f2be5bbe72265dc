#include "app/server/module_host.hpp"

#include <algorithm>
#include <stdexcept>

namespace kontalk::app {

ServerModuleHost::ServerModuleHost(const core::Config& config, router::ExtensionPoints& extensions,
                                   router::Router& router, storage::Storage& storage,
                                   core::WorkerPool& workers, const pgp::ServerKey& serverKey)
    : config_(config),
      extensions_(extensions),
      router_(router),
      storage_(storage),
      serverKey_(serverKey),
      workers_(workers) {}

std::string ServerModuleHost::configString(std::string_view module, std::string_view key,
                                           std::string_view fallback) const {
  const auto section = config_.modules.find(std::string(module));
  if (section == config_.modules.end()) return std::string(fallback);
  const auto value = section->second.find(std::string(key));
  return value == section->second.end() ? std::string(fallback) : value->second;
}

void ServerModuleHost::handleIq(api::IqScope scope, std::string xmlns, api::IqType type,
                                api::IqHandler handler) {
  extensions_.iq.add(scope, std::move(xmlns), type, std::move(handler));
}

void ServerModuleHost::handlePreAuthIq(std::string xmlns, api::IqType type,
                                       api::PreAuthIqHandler handler) {
  auto key = std::make_pair(xmlns, type);
  if (!extensions_.preAuthIq.emplace(std::move(key), std::move(handler)).second) {
    throw std::logic_error("two modules handle pre-authentication IQs in namespace " + xmlns);
  }
}

void ServerModuleHost::hookStanza(api::StanzaHook hook, int order, api::StanzaHandler handler) {
  auto& handlers = extensions_.stanzaHooks[hook];
  // Stable: handlers of equal order run in registration order.
  auto position =
      std::upper_bound(handlers.begin(), handlers.end(), order,
                       [](int value, const auto& entry) { return value < entry.order; });
  handlers.insert(position, {order, std::move(handler)});
}

void ServerModuleHost::hookSessionBound(api::SessionHandler handler) {
  extensions_.sessionBound.push_back(std::move(handler));
}

void ServerModuleHost::hookSessionClosed(api::SessionHandler handler) {
  extensions_.sessionClosed.push_back(std::move(handler));
}

void ServerModuleHost::prepareSessions(api::SessionPreparation work) {
  extensions_.sessionPreparations.push_back(std::move(work));
}

void ServerModuleHost::hookKeyChange(api::KeyChangeHandler handler) {
  extensions_.keyChanges.push_back(std::move(handler));
}

void ServerModuleHost::announceKeyChange(const api::KeyChange& change) {
  for (const auto& handler : extensions_.keyChanges) handler(change);
}

void ServerModuleHost::handleStreamElement(std::string xmlns, std::string name,
                                           api::StreamElementHandler handler) {
  auto key = std::make_pair(std::move(xmlns), std::move(name));
  if (!extensions_.streamElements.emplace(key, std::move(handler)).second) {
    throw std::logic_error("two modules handle the stream element " + key.second);
  }
}

void ServerModuleHost::addStreamFeature(api::FeatureStage stage, xml::Element feature) {
  extensions_.streamFeatures[stage].push_back(std::move(feature));
}

void ServerModuleHost::runBlocking(std::function<void()> work) {
  workers_.post(std::move(work));
}

void ServerModuleHost::every(std::chrono::seconds interval, std::function<void()> task) {
  periodicTasks_.push_back({interval, std::move(task)});
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

void ServerModuleHost::send(xml::Element stanza) {
  router_.route(std::move(stanza));
}

void ServerModuleHost::sendRecorded(xml::Element message, api::JournalId id) {
  router_.route(std::move(message), id);
}

void ServerModuleHost::provideDeliveryJournal(api::DeliveryJournal& journal) {
  if (extensions_.journal != nullptr) {
    throw std::runtime_error("two modules provide the delivery journal");
  }
  extensions_.journal = &journal;
}

void ServerModuleHost::deliverHeld(const xmpp::Jid& session, xml::Element stanza) {
  router_.deliverHeld(session, std::move(stanza));
}

void ServerModuleHost::deliverToResources(xml::Element presence) {
  router_.deliverToResources(std::move(presence));
}

std::vector<std::shared_ptr<const api::Session>> ServerModuleHost::sessionsOf(
    const xmpp::Jid& bareJid) const {
  auto sessions = router_.sessions().sessionsOf(bareJid);
  return {sessions.begin(), sessions.end()};
}

}  // namespace kontalk::app
