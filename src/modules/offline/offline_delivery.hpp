#pragma once
// Delivers an account's stored messages to one of its sessions (XEP-0160 §3: on the first
// available presence with non-negative priority), at most one run per account at a time.
// A delivered message stays stored, held by the session, until the session acknowledges it
// (Journal::settle); a session that ends without acknowledging hands it back.
//
// Threading: request() may be called from any shard or worker; the runs happen in
// host.runBlocking() work.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/module.hpp"
#include "modules/offline/journal.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::offline {

class OfflineDelivery {
 public:
  OfflineDelivery(api::ModuleHost& host, Journal& journal) : host_(host), journal_(journal) {}

  // Delivers everything stored for target's account to `target` (a full JID). While a run for
  // the account is going on, the request is remembered and served when that run ends, so that
  // messages stored meanwhile are not left behind.
  void request(const xmpp::Jid& target);

 private:
  void run(xmpp::Jid target);
  // Sends the next batch of messages after `cursor` that no session holds; advances the cursor.
  // False when there is nothing more.
  bool sendBatch(const xmpp::Jid& target, std::int64_t& cursor);

  api::ModuleHost& host_;
  Journal& journal_;
  std::mutex mutex_;
  // Accounts (bare JID) with a run in progress -> the latest target asked for meanwhile
  // (an empty JID when none was).
  std::unordered_map<std::string, xmpp::Jid> running_;
};

}  // namespace kontalk::modules::offline
