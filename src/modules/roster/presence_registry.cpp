#include "modules/roster/presence_registry.hpp"

namespace kontalk::modules::roster {

PresenceRegistry::SessionState* PresenceRegistry::find(const xmpp::Jid& fullJid) {
  const auto account = byBareJid_.find(fullJid.bareString());
  if (account == byBareJid_.end()) return nullptr;
  const auto session = account->second.find(fullJid.resource());
  return session == account->second.end() ? nullptr : &session->second;
}

void PresenceRegistry::addSession(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  byBareJid_[fullJid.bareString()][fullJid.resource()] = SessionState{};
}

std::vector<std::string> PresenceRegistry::removeSession(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  const auto account = byBareJid_.find(fullJid.bareString());
  if (account == byBareJid_.end()) return {};
  const auto session = account->second.find(fullJid.resource());
  if (session == account->second.end()) return {};
  std::vector<std::string> targets(session->second.directedTargets.begin(),
                                   session->second.directedTargets.end());
  account->second.erase(session);
  if (account->second.empty()) byBareJid_.erase(account);
  return targets;
}

void PresenceRegistry::setInterested(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  if (auto* session = find(fullJid)) session->interested = true;
}

void PresenceRegistry::setAvailable(const xmpp::Jid& fullJid, xml::Element presence) {
  std::lock_guard lock(mutex_);
  if (auto* session = find(fullJid)) session->available = std::move(presence);
}

void PresenceRegistry::setUnavailable(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  if (auto* session = find(fullJid)) session->available.reset();
}

void PresenceRegistry::addDirectedTarget(const xmpp::Jid& fullJid, const std::string& target) {
  std::lock_guard lock(mutex_);
  auto* session = find(fullJid);
  if (session == nullptr || session->directedTargets.size() >= maxDirectedPerSession_) return;
  session->directedTargets.insert(target);
}

void PresenceRegistry::removeDirectedTarget(const xmpp::Jid& fullJid, const std::string& target) {
  std::lock_guard lock(mutex_);
  if (auto* session = find(fullJid)) session->directedTargets.erase(target);
}

std::vector<std::string> PresenceRegistry::takeDirectedTargets(const xmpp::Jid& fullJid) {
  std::lock_guard lock(mutex_);
  auto* session = find(fullJid);
  if (session == nullptr) return {};
  std::vector<std::string> targets(session->directedTargets.begin(),
                                   session->directedTargets.end());
  session->directedTargets.clear();
  return targets;
}

std::vector<std::pair<xmpp::Jid, xml::Element>> PresenceRegistry::availablePresences(
    const xmpp::Jid& bareJid) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<xmpp::Jid, xml::Element>> result;
  const auto account = byBareJid_.find(bareJid.bareString());
  if (account == byBareJid_.end()) return result;
  for (const auto& [resource, session] : account->second) {
    if (session.available) result.emplace_back(bareJid.withResource(resource), *session.available);
  }
  return result;
}

bool PresenceRegistry::hasAvailableResource(const xmpp::Jid& bareJid) const {
  std::lock_guard lock(mutex_);
  const auto account = byBareJid_.find(bareJid.bareString());
  if (account == byBareJid_.end()) return false;
  for (const auto& entry : account->second) {
    if (entry.second.available) return true;
  }
  return false;
}

std::vector<xmpp::Jid> PresenceRegistry::interestedResources(const xmpp::Jid& bareJid) const {
  std::lock_guard lock(mutex_);
  std::vector<xmpp::Jid> result;
  const auto account = byBareJid_.find(bareJid.bareString());
  if (account == byBareJid_.end()) return result;
  for (const auto& [resource, session] : account->second) {
    if (session.interested) result.push_back(bareJid.withResource(resource));
  }
  return result;
}

std::vector<xmpp::Jid> PresenceRegistry::interestedAvailableResources(
    const xmpp::Jid& bareJid) const {
  std::lock_guard lock(mutex_);
  std::vector<xmpp::Jid> result;
  const auto account = byBareJid_.find(bareJid.bareString());
  if (account == byBareJid_.end()) return result;
  for (const auto& [resource, session] : account->second) {
    if (session.interested && session.available) result.push_back(bareJid.withResource(resource));
  }
  return result;
}

}  // namespace kontalk::modules::roster
