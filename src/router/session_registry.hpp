#pragma once
// Where the router reports the sessions bound here to the rest of a cluster (the Redis session
// directory, cluster/node_registry.hpp). Without one (a single node) nothing is reported.
// Threading: called from the sessions' shards, concurrently; implementations must not block.

#include "xmpp/jid.hpp"

namespace kontalk::router {

class SessionRegistry {
 public:
  virtual ~SessionRegistry() = default;
  virtual void sessionBound(const xmpp::Jid& fullJid) = 0;
  // Only for a session that was still bound: one replaced by a newer session with its full JID
  // is not reported, the newer one holds the entry.
  virtual void sessionEnded(const xmpp::Jid& fullJid) = 0;
};

}  // namespace kontalk::router
