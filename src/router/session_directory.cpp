#include "router/session_directory.hpp"

#include <algorithm>
#include <functional>

namespace kontalk::router {

SessionDirectory::SessionDirectory(ResourceConflictPolicy policy, std::size_t maxSessionsPerUser)
    : policy_(policy), maxSessionsPerUser_(maxSessionsPerUser) {}

SessionDirectory::Bucket& SessionDirectory::bucketFor(const std::string& bareJid) const {
  return buckets_[std::hash<std::string>{}(bareJid) % kBuckets];
}

SessionDirectory::BindResult SessionDirectory::bind(const std::shared_ptr<LocalSession>& session) {
  const std::string bare = session->jid().bareString();
  Bucket& bucket = bucketFor(bare);
  std::lock_guard lock(bucket.mutex);
  auto& sessions = bucket.byBareJid[bare];
  auto same = std::find_if(sessions.begin(), sessions.end(), [&](const auto& other) {
    return other->jid().resource() == session->jid().resource();
  });
  BindResult result;
  if (same != sessions.end()) {
    if (policy_ == ResourceConflictPolicy::RefuseNewer) {
      result.outcome = BindOutcome::Conflict;
      return result;
    }
    result.replaced = std::move(*same);
    *same = session;
    return result;
  }
  if (sessions.size() >= maxSessionsPerUser_) {
    result.outcome = BindOutcome::TooManySessions;
    return result;
  }
  sessions.push_back(session);
  return result;
}

bool SessionDirectory::unbind(const LocalSession& session) {
  const std::string bare = session.jid().bareString();
  Bucket& bucket = bucketFor(bare);
  std::lock_guard lock(bucket.mutex);
  auto it = bucket.byBareJid.find(bare);
  if (it == bucket.byBareJid.end()) return false;
  const auto removed =
      std::erase_if(it->second, [&](const auto& other) { return other.get() == &session; });
  if (it->second.empty()) bucket.byBareJid.erase(it);
  return removed > 0;
}

std::shared_ptr<LocalSession> SessionDirectory::find(const xmpp::Jid& fullJid) const {
  const std::string bare = fullJid.bareString();
  Bucket& bucket = bucketFor(bare);
  std::lock_guard lock(bucket.mutex);
  auto it = bucket.byBareJid.find(bare);
  if (it == bucket.byBareJid.end()) return nullptr;
  for (const auto& session : it->second) {
    if (session->jid().resource() == fullJid.resource()) return session;
  }
  return nullptr;
}

std::vector<std::shared_ptr<LocalSession>> SessionDirectory::sessionsOf(
    const xmpp::Jid& bareJid) const {
  const std::string bare = bareJid.bareString();
  Bucket& bucket = bucketFor(bare);
  std::lock_guard lock(bucket.mutex);
  auto it = bucket.byBareJid.find(bare);
  if (it == bucket.byBareJid.end()) return {};
  return it->second;
}

std::size_t SessionDirectory::size() const {
  std::size_t total = 0;
  for (const auto& bucket : buckets_) {
    std::lock_guard lock(bucket.mutex);
    for (const auto& [bare, sessions] : bucket.byBareJid) total += sessions.size();
  }
  return total;
}

std::vector<std::shared_ptr<LocalSession>> SessionDirectory::all() const {
  std::vector<std::shared_ptr<LocalSession>> sessions;
  for (const auto& bucket : buckets_) {
    std::lock_guard lock(bucket.mutex);
    for (const auto& [bare, bound] : bucket.byBareJid) {
      sessions.insert(sessions.end(), bound.begin(), bound.end());
    }
  }
  return sessions;
}

}  // namespace kontalk::router
