#include "modules/adhoc/command_sessions.hpp"

#include "base/encoding.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::adhoc {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

namespace {

// Session ids are unguessable: a session id is no secret, but nobody should trip over another
// session by chance. 16 characters of [A-Za-z0-9] are about 95 bits.
constexpr std::size_t kSessionIdLength = 16;

}  // namespace

std::optional<CommandAction> parseCommandAction(std::string_view text) {
  if (text.empty() || text == "execute") return CommandAction::Execute;
  if (text == "next") return CommandAction::Next;
  if (text == "prev") return CommandAction::Prev;
  if (text == "complete") return CommandAction::Complete;
  if (text == "cancel") return CommandAction::Cancel;
  return std::nullopt;
}

StanzaError commandError(StanzaErrorCondition condition, std::string_view specific) {
  auto error = StanzaError::of(condition);
  // XEP-0050 §4.6: the request errors are `modify`, session-expired and forbidden `cancel`.
  if (condition == StanzaErrorCondition::BadRequest) error.type = xmpp::StanzaErrorType::Modify;
  if (!specific.empty()) error.application = xml::Element(std::string(specific), ns::kCommands);
  return error;
}

CommandSessions::CommandSessions(std::size_t maxPerUser, Clock::duration lifetime)
    : maxPerUser_(maxPerUser), lifetime_(lifetime) {}

std::variant<std::string, StanzaError> CommandSessions::open(const xmpp::Jid& owner,
                                                             std::string_view address,
                                                             std::string_view node,
                                                             Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (openOf(owner.bare()) >= maxPerUser_) {
    return StanzaError::of(StanzaErrorCondition::ResourceConstraint,
                           "too many open command sessions");
  }
  std::string id;
  do {
    id = base::randomAlphanumeric(kSessionIdLength);
  } while (sessions_.contains(id));
  sessions_.emplace(
      id,
      Session{owner, std::string(address), std::string(node), {}, false, true, now + lifetime_});
  return id;
}

std::variant<CommandSessions::Resumed, StanzaError> CommandSessions::resume(
    const xmpp::Jid& owner, const std::string& id, std::string_view address, std::string_view node,
    CommandAction action, std::optional<xmpp::DataForm> form, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(id);
  // XEP-0050 §3.4: a session belongs to the full JID that started it, and to its command.
  if (found == sessions_.end() || found->second.owner != owner ||
      found->second.address != address || found->second.node != node) {
    return commandError(StanzaErrorCondition::BadRequest, "bad-sessionid");
  }
  Session& session = found->second;
  if (session.expiresAt <= now) {
    sessions_.erase(found);
    return commandError(StanzaErrorCondition::NotAllowed, "session-expired");
  }
  if (action == CommandAction::Cancel) {
    // Also while the command works: its answer then finds no session and is dropped.
    sessions_.erase(found);
    return Resumed{{}, true};
  }
  if (session.busy) {
    return StanzaError::of(StanzaErrorCondition::UnexpectedRequest,
                           "the previous stage is still running");
  }
  if (action == CommandAction::Execute) {
    // §3.4: execute means the default action: the one that moves on.
    action = session.lastStage ? CommandAction::Complete : CommandAction::Next;
  }
  const bool offered = (action == CommandAction::Prev && !session.submitted.empty()) ||
                       (action == CommandAction::Next && !session.lastStage) ||
                       (action == CommandAction::Complete && session.lastStage);
  if (!offered) return commandError(StanzaErrorCondition::BadRequest, "bad-action");
  if (action == CommandAction::Prev) {
    session.submitted.pop_back();
  } else {
    if (!form || form->type != "submit") {
      return commandError(StanzaErrorCondition::BadRequest, "bad-payload");
    }
    session.submitted.push_back(std::move(*form));
  }
  session.busy = true;
  session.expiresAt = now + lifetime_;
  return Resumed{session.submitted, false};
}

void CommandSessions::answered(const std::string& id, bool lastStage, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(id);
  if (found == sessions_.end()) return;  // canceled meanwhile
  found->second.lastStage = lastStage;
  found->second.busy = false;
  found->second.expiresAt = now + lifetime_;
}

void CommandSessions::close(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::size_t CommandSessions::expire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return std::erase_if(sessions_, [now](const auto& entry) {
    // A busy session waits for its command, which answers (and then closes or renews it).
    return !entry.second.busy && entry.second.expiresAt <= now;
  });
}

std::size_t CommandSessions::openCount() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::size_t CommandSessions::openOf(const xmpp::Jid& account) const {
  std::size_t count = 0;
  for (const auto& [id, session] : sessions_) {
    if (session.owner.bare() == account) ++count;
  }
  return count;
}

}  // namespace kontalk::modules::adhoc
