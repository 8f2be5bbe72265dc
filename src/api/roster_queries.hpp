#pragma once
// What the roster module answers for other modules (a module never reads another's tables):
// provided by the roster module (ModuleHost::provide), found by its users with
// ModuleHost::service<RosterQueries>() after it started (list `roster` in the descriptor's
// dependencies).
//
// Threading: blocks on storage: call from ModuleHost::runBlocking work.

#include "base/status.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

class RosterQueries {
 public:
  virtual ~RosterQueries() = default;
  // Whether `contact` (a bare JID) may see `account`'s presence: a subscription 'from' or 'both'
  // in the account's roster (RFC 6121 §2.1.2.5).
  virtual Result<bool> seesPresenceOf(const xmpp::Jid& contact, const xmpp::Jid& account) = 0;
};

}  // namespace kontalk::api
