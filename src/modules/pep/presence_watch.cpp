#include "modules/pep/presence_watch.hpp"

namespace kontalk::modules::pep {

Listening PresenceWatch::available(const xmpp::Jid& account, const xmpp::Jid& resource,
                                   std::string ver) {
  std::lock_guard lock(mutex_);
  auto& resources = listeners_[account.bareString()];
  const std::string key = resource.toString();
  auto found = resources.find(key);
  if (found != resources.end()) {
    if (found->second.ver == ver) return Listening::Unchanged;
    found->second.ver = std::move(ver);
    return Listening::Started;
  }
  if (resources.size() >= perAccount_) return Listening::Refused;
  resources.emplace(key, Listener{resource, std::move(ver)});
  return Listening::Started;
}

void PresenceWatch::unavailable(const xmpp::Jid& account, const xmpp::Jid& resource) {
  std::lock_guard lock(mutex_);
  auto found = listeners_.find(account.bareString());
  if (found == listeners_.end()) return;
  found->second.erase(resource.toString());
  if (found->second.empty()) listeners_.erase(found);
}

std::vector<Listener> PresenceWatch::listeners(const xmpp::Jid& account) const {
  std::lock_guard lock(mutex_);
  std::vector<Listener> result;
  auto found = listeners_.find(account.bareString());
  if (found == listeners_.end()) return result;
  for (const auto& [key, listener] : found->second) result.push_back(listener);
  return result;
}

}  // namespace kontalk::modules::pep
