#pragma once
// Asking the other servers of the Kontalk network which of some localparts are their users (the
// fan-out of spec §7.5), for modules other than the probe module that runs it: the registration
// check "already registered elsewhere" (spec §7.7). Provided by the probe module.
//
// Threading: findOnPeers() may be called from any thread and never blocks; `done` runs exactly
// once, on a shard thread (or inline on the caller's thread when there is nothing to ask), and
// must not block: hand blocking work to ModuleHost::runBlocking.

#include <functional>
#include <string>
#include <vector>

#include "xmpp/jid.hpp"

namespace kontalk::api {

class NetworkProbe {
 public:
  using Done = std::function<void(std::vector<xmpp::Jid> matches)>;
  virtual ~NetworkProbe() = default;
  // Asks every peer about `localparts` (at most the probe's max_items) and calls `done` with the
  // peers' matches (list order, then `localparts` order) once all answered or failed, at most
  // probe_timeout later. Unreachable or failing peers count as "no match".
  virtual void findOnPeers(std::vector<std::string> localparts, Done done) = 0;
};

}  // namespace kontalk::api
