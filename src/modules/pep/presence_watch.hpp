#pragma once
// Who hears an account's PEP events (XEP-0163 §4.3): the available resources whose presence
// reached the account (its contacts' broadcasts, its own resources' presence), each with the
// caps 'ver' it announced. Unavailable presence takes a resource out. Bounded per account: past
// `perAccount` resources the newest is not recorded (logged by the caller).
// Threading: every method may be called from any thread (one mutex).

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "xmpp/jid.hpp"

namespace kontalk::modules::pep {

struct Listener {
  xmpp::Jid resource;  // a full JID
  std::string ver;     // its caps 'ver' ("" without caps)
};

// What an available presence changed.
enum class Listening {
  Started,    // a new listener, or one that announced another caps 'ver'
  Unchanged,  // a presence update with the same caps: nothing to send again
  Refused,    // the account has its maximum of listeners
};

class PresenceWatch {
 public:
  explicit PresenceWatch(std::size_t perAccount) : perAccount_(perAccount) {}

  // Records (or updates) `resource` for `account` (a bare JID).
  Listening available(const xmpp::Jid& account, const xmpp::Jid& resource, std::string ver);
  void unavailable(const xmpp::Jid& account, const xmpp::Jid& resource);
  // The account's listeners now (a snapshot).
  std::vector<Listener> listeners(const xmpp::Jid& account) const;

 private:
  const std::size_t perAccount_;
  mutable std::mutex mutex_;
  // account bare JID -> resource full JID -> caps ver
  std::map<std::string, std::map<std::string, Listener>, std::less<>> listeners_;
};

}  // namespace kontalk::modules::pep
