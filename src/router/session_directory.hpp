#pragma once
// The local session directory: bare JID → bound sessions (ARCHITECTURE.md §5).
// Threading: every method may be called from any thread; the map is split into buckets, each
// with its own mutex, so shards rarely contend and a lock is held only to copy out a handful of
// shared pointers.

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "router/local_session.hpp"

namespace kontalk::router {

enum class ResourceConflictPolicy { ReplaceOlder, RefuseNewer };

class SessionDirectory {
 public:
  enum class BindOutcome { Bound, Conflict, TooManySessions };
  struct BindResult {
    BindOutcome outcome = BindOutcome::Bound;
    // The older session with the same full JID that the caller must terminate (ReplaceOlder).
    std::shared_ptr<LocalSession> replaced;
  };

  SessionDirectory(ResourceConflictPolicy policy, std::size_t maxSessionsPerUser);

  BindResult bind(const std::shared_ptr<LocalSession>& session);
  // Removes `session` if it is still the one bound to its full JID (a replaced session must not
  // remove its successor). False when it was not bound (any more).
  bool unbind(const LocalSession& session);
  std::shared_ptr<LocalSession> find(const xmpp::Jid& fullJid) const;
  std::vector<std::shared_ptr<LocalSession>> sessionsOf(const xmpp::Jid& bareJid) const;
  std::size_t size() const;
  // A snapshot of every bound session (kontalkctl sessions list, broadcast): each bucket is
  // locked in turn, so a session bound meanwhile may or may not be in it.
  std::vector<std::shared_ptr<LocalSession>> all() const;

 private:
  struct Bucket {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::shared_ptr<LocalSession>>> byBareJid;
  };
  static constexpr std::size_t kBuckets = 64;

  Bucket& bucketFor(const std::string& bareJid) const;

  ResourceConflictPolicy policy_;
  std::size_t maxSessionsPerUser_;
  mutable std::array<Bucket, kBuckets> buckets_;
};

}  // namespace kontalk::router
