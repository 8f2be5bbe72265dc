#pragma once
// The sessions of multi-stage ad-hoc commands (XEP-0050 §3.4): which forms a session has
// collected, which actions it offers now, whose it is, and when it expires. Every request that
// continues a session passes here first, so that the command itself sees only a valid sequence
// of submitted forms. Bounded: at most `maxPerUser` open sessions per account, each ending after
// `lifetime` without a request.
//
// Threading: thread-safe (one mutex): IQ handlers of several shards and workers' answers call it.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "xmpp/data_form.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::adhoc {

enum class CommandAction { Execute, Next, Prev, Complete, Cancel };

// XEP-0050 §3.3 actions; "" (absent) is execute. nullopt for anything else (malformed-action).
std::optional<CommandAction> parseCommandAction(std::string_view text);

// A XEP-0050 §4.6 error: `condition` with the commands namespace's specific condition (e.g.
// "bad-action", "bad-sessionid"), or none when `specific` is empty.
xmpp::StanzaError commandError(xmpp::StanzaErrorCondition condition, std::string_view specific);

class CommandSessions {
 public:
  using Clock = std::chrono::steady_clock;

  // A request that continues a session: the forms submitted so far (the command's input), or
  // `canceled` when the request ended the session.
  struct Resumed {
    std::vector<xmpp::DataForm> submitted;
    bool canceled = false;
  };

  CommandSessions(std::size_t maxPerUser, Clock::duration lifetime);

  // Opens a session of `owner` (a full JID) for the command (address, node), busy until
  // answered(): its new id, or resource-constraint when the owner's account has too many open.
  std::variant<std::string, xmpp::StanzaError> open(const xmpp::Jid& owner,
                                                    std::string_view address, std::string_view node,
                                                    Clock::time_point now);

  // Continues session `id` with `action` and the form the request carried. Errors (nothing
  // changes): bad-sessionid when no such session of `owner` for this command; session-expired;
  // unexpected-request while the command still works on the previous stage; bad-action for an
  // action the session does not offer now (prev on the first stage, next on the last, complete
  // before it); bad-payload when next/complete/execute come without a submitted form. Cancel
  // closes the session; prev forgets the last form; the others add `form`. Afterwards the
  // session is busy until answered() or close().
  std::variant<Resumed, xmpp::StanzaError> resume(const xmpp::Jid& owner, const std::string& id,
                                                  std::string_view address, std::string_view node,
                                                  CommandAction action,
                                                  std::optional<xmpp::DataForm> form,
                                                  Clock::time_point now);

  // The command asked for another form: the session waits for it, offering next or (for the
  // last stage) complete, and prev after the first stage.
  void answered(const std::string& id, bool lastStage, Clock::time_point now);
  void close(const std::string& id);
  // Ends the sessions nobody continued within their lifetime; returns how many.
  std::size_t expire(Clock::time_point now);
  std::size_t openCount() const;

 private:
  struct Session {
    xmpp::Jid owner;
    std::string address;
    std::string node;
    std::vector<xmpp::DataForm> submitted;
    bool lastStage = false;
    bool busy = true;
    Clock::time_point expiresAt;
  };

  std::size_t openOf(const xmpp::Jid& account) const;  // mutex_ held

  const std::size_t maxPerUser_;
  const Clock::duration lifetime_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

}  // namespace kontalk::modules::adhoc
