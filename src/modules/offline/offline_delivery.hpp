#pragma once
// Delivers an account's stored messages to one of its sessions (XEP-0160 §3: on the first
// available presence with non-negative priority), at most one run per account at a time.
//
// Threading: request() may be called from any shard or worker; the runs happen in
// host.runBlocking() work.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/module.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::offline {

class OfflineDelivery {
 public:
  explicit OfflineDelivery(api::ModuleHost& host) : host_(host) {}

  // Delivers everything stored for target's account to `target` (a full JID). While a run for
  // the account is going on, the request is remembered and served when that run ends, so that
  // messages stored meanwhile are not left behind and none is delivered twice.
  void request(const xmpp::Jid& target);

 private:
  void run(xmpp::Jid target);
  // Sends one batch; returns the ids of the messages handed to the router.
  std::vector<std::int64_t> sendBatch(const xmpp::Jid& target, bool& more);
  // The one place where messages count as delivered and leave storage. Today "delivered" means
  // "handed to the router for the session"; with stream management this moves to the client's
  // acknowledgement (XEP-0198) so that a connection lost in flight loses nothing.
  // False when storage failed (the messages stay stored).
  bool markDelivered(const xmpp::Jid& account, const std::vector<std::int64_t>& ids);

  api::ModuleHost& host_;
  std::mutex mutex_;
  // Accounts (bare JID) with a run in progress -> the latest target asked for meanwhile
  // (an empty JID when none was).
  std::unordered_map<std::string, xmpp::Jid> running_;
};

}  // namespace kontalk::modules::offline
