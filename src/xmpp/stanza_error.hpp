#pragma once
// Stanza errors (RFC 6120 §8.3): conditions, their default types, and error replies.
// Threading: plain values and pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "base/status.hpp"
#include "xml/element.hpp"

namespace kontalk::xmpp {

enum class StanzaErrorType { Auth, Cancel, Continue, Modify, Wait };

enum class StanzaErrorCondition {
  BadRequest,
  Conflict,
  FeatureNotImplemented,
  Forbidden,
  Gone,
  InternalServerError,
  ItemNotFound,
  JidMalformed,
  NotAcceptable,
  NotAllowed,
  NotAuthorized,
  PolicyViolation,
  RecipientUnavailable,
  Redirect,
  RegistrationRequired,
  RemoteServerNotFound,
  RemoteServerTimeout,
  ResourceConstraint,
  ServiceUnavailable,
  SubscriptionRequired,
  UndefinedCondition,
  UnexpectedRequest,
};

struct StanzaError {
  StanzaErrorCondition condition = StanzaErrorCondition::UndefinedCondition;
  StanzaErrorType type = StanzaErrorType::Cancel;
  std::string text;  // optional human-readable text (English)
  // An application-specific condition (RFC 6120 §8.3.4), e.g. XEP-0363's <file-too-large/>.
  std::optional<xml::Element> application;

  // The condition with the type RFC 6120 §8.3.3 recommends for it.
  static StanzaError of(StanzaErrorCondition condition, std::string text = {});
  // What a peer is told when the server itself failed (storage, a provider): type `wait` for a
  // transient failure, so the client retries (resource-constraint when overloaded, else
  // internal-server-error); internal-server-error `cancel` for a permanent one. The status's
  // message stays in the log: it never reaches the peer.
  static StanzaError serverFailure(const Status& status);
  xml::Element toElement() const;  // <error type='…'><condition/><text/></error>
};

std::string_view conditionName(StanzaErrorCondition condition);
std::string_view typeName(StanzaErrorType type);

// The error reply to `stanza` (RFC 6120 §8.2): same name and id, from/to swapped, type='error',
// the original payload kept (so the sender can tell which request failed) unless it is larger
// than kMaxEchoedPayloadBytes, plus <error/>. `stanza` must not itself be an error (callers
// never answer errors with errors, §8.2).
xml::Element makeErrorReply(const xml::Element& stanza, const StanzaError& error);

// RFC 6120 §8.3.1 lets an error stanza carry the original payload; a large one is left out: the
// id says which stanza failed, and echoing, say, a 500-member group message's encrypted payload
// once per member whose account is gone buried the sender under copies of its own message.
inline constexpr std::size_t kMaxEchoedPayloadBytes = 8 * 1024;

}  // namespace kontalk::xmpp
