#include "router/extension_points.hpp"

#include <algorithm>

namespace kontalk::router {

api::HandlerResult ExtensionPoints::run(api::StanzaHook hook, api::StanzaEvent& event) const {
  const auto handlers = stanzaHooks.find(hook);
  if (handlers == stanzaHooks.end()) return api::HandlerResult::Continue;
  for (const auto& entry : handlers->second) {
    if (entry.handler(event) == api::HandlerResult::Handled) return api::HandlerResult::Handled;
  }
  return api::HandlerResult::Continue;
}

void ExtensionPoints::notify(api::SessionEvent event, const api::Session& session) const {
  const auto handlers = sessionHandlers.find(event);
  if (handlers == sessionHandlers.end()) return;
  for (const auto& entry : handlers->second) entry.value(session);
}

const api::IqHandler* ExtensionPoints::findIq(api::IqScope scope, const std::string& xmlns,
                                              api::IqType type) const {
  const auto found = iq.find(IqKey{scope, xmlns, type});
  return found == iq.end() ? nullptr : &found->second.value;
}

void* ExtensionPoints::findService(std::type_index type) const {
  const auto found = services.find(type);
  return found == services.end() ? nullptr : found->second.value;
}

std::pair<const api::HttpHandler*, std::size_t> ExtensionPoints::findHttpRoute(
    std::string_view path) const {
  const api::HttpHandler* best = nullptr;
  std::size_t bestLength = 0;
  for (const auto& entry : httpRoutes) {
    const std::string& prefix = entry.value.first;
    const bool matches =
        path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
    if (matches && (best == nullptr || prefix.size() > bestLength)) {
      best = &entry.value.second;
      bestLength = prefix.size();
    }
  }
  return {best, best == nullptr ? 0
                                : static_cast<std::size_t>(
                                      std::count(path.begin(), path.begin() + bestLength, '/'))};
}

bool ExtensionPoints::isServiceDomain(std::string_view domain, std::string_view parent) const {
  for (const auto& entry : serviceAddresses) {
    const auto& service = entry.value;
    if (service.subdomain && domain.size() == service.localpart.size() + 1 + parent.size() &&
        domain.starts_with(service.localpart) && domain[service.localpart.size()] == '.' &&
        domain.ends_with(parent)) {
      return true;
    }
  }
  return false;
}

void ExtensionPoints::removeOwner(std::string_view owner) {
  const auto ownedBy = [owner](const auto& entry) { return entry.owner == owner; };
  const auto mapOwnedBy = [owner](const auto& entry) { return entry.second.owner == owner; };
  std::erase_if(iq, mapOwnedBy);
  for (auto& [hook, handlers] : stanzaHooks) std::erase_if(handlers, ownedBy);
  for (auto& [event, handlers] : sessionHandlers) std::erase_if(handlers, ownedBy);
  std::erase_if(streamElements, mapOwnedBy);
  for (auto& [stage, features] : streamFeatures) std::erase_if(features, ownedBy);
  std::erase_if(keyChanges, ownedBy);
  for (auto& [scope, features] : discoFeatures) std::erase_if(features, ownedBy);
  for (auto& [scope, identities] : discoIdentities) std::erase_if(identities, ownedBy);
  std::erase_if(serviceAddresses, ownedBy);
  std::erase_if(httpRoutes, ownedBy);
  const auto journalEntry = services.find(typeid(api::DeliveryJournal));
  if (journalEntry != services.end() && journalEntry->second.owner == owner) journal = nullptr;
  std::erase_if(services, mapOwnedBy);
}

}  // namespace kontalk::router
