#include "xmpp/stanza_error.hpp"

#include <array>
#include <utility>

#include "xmpp/namespaces.hpp"

namespace kontalk::xmpp {
namespace {

struct ConditionInfo {
  std::string_view name;
  StanzaErrorType defaultType;
};

// Indexed by StanzaErrorCondition; types from RFC 6120 §8.3.3.
constexpr std::array<ConditionInfo, 22> kConditions{{
    {"bad-request", StanzaErrorType::Modify},
    {"conflict", StanzaErrorType::Cancel},
    {"feature-not-implemented", StanzaErrorType::Cancel},
    {"forbidden", StanzaErrorType::Auth},
    {"gone", StanzaErrorType::Cancel},
    {"internal-server-error", StanzaErrorType::Cancel},
    {"item-not-found", StanzaErrorType::Cancel},
    {"jid-malformed", StanzaErrorType::Modify},
    {"not-acceptable", StanzaErrorType::Modify},
    {"not-allowed", StanzaErrorType::Cancel},
    {"not-authorized", StanzaErrorType::Auth},
    {"policy-violation", StanzaErrorType::Modify},
    {"recipient-unavailable", StanzaErrorType::Wait},
    {"redirect", StanzaErrorType::Modify},
    {"registration-required", StanzaErrorType::Auth},
    {"remote-server-not-found", StanzaErrorType::Cancel},
    {"remote-server-timeout", StanzaErrorType::Wait},
    {"resource-constraint", StanzaErrorType::Wait},
    {"service-unavailable", StanzaErrorType::Cancel},
    {"subscription-required", StanzaErrorType::Auth},
    {"undefined-condition", StanzaErrorType::Cancel},
    {"unexpected-request", StanzaErrorType::Wait},
}};

const ConditionInfo& info(StanzaErrorCondition condition) {
  return kConditions.at(static_cast<std::size_t>(condition));
}

}  // namespace

std::string_view conditionName(StanzaErrorCondition condition) {
  return info(condition).name;
}

std::string_view typeName(StanzaErrorType type) {
  switch (type) {
    case StanzaErrorType::Auth:
      return "auth";
    case StanzaErrorType::Cancel:
      return "cancel";
    case StanzaErrorType::Continue:
      return "continue";
    case StanzaErrorType::Modify:
      return "modify";
    case StanzaErrorType::Wait:
      return "wait";
  }
  return "cancel";
}

StanzaError StanzaError::of(StanzaErrorCondition condition, std::string text) {
  return StanzaError{condition, info(condition).defaultType, std::move(text), std::nullopt};
}

StanzaError StanzaError::serverFailure(const Status& status) {
  if (status.is(StatusCode::Overloaded)) return of(StanzaErrorCondition::ResourceConstraint);
  StanzaError error = of(StanzaErrorCondition::InternalServerError);
  error.type = status.isTransient() ? StanzaErrorType::Wait : StanzaErrorType::Cancel;
  return error;
}

xml::Element StanzaError::toElement() const {
  xml::Element error("error", ns::kClient);
  error.setAttribute("type", std::string(typeName(type)));
  error.addChild(std::string(conditionName(condition)), ns::kStanzaErrors);
  if (!text.empty()) {
    auto& textElement = error.addChild("text", ns::kStanzaErrors);
    textElement.setAttribute("xml:lang", "en");
    textElement.addText(text);
  }
  if (application) error.addChild(*application);
  return error;
}

xml::Element makeErrorReply(const xml::Element& stanza, const StanzaError& error) {
  xml::Element reply = stanza;
  reply.removeAttribute("from");
  reply.removeAttribute("to");
  if (stanza.hasAttribute("from")) reply.setAttribute("to", std::string(stanza.attribute("from")));
  if (stanza.hasAttribute("to")) reply.setAttribute("from", std::string(stanza.attribute("to")));
  reply.setAttribute("type", "error");
  reply.removeChildren("error", stanza.xmlns());
  if (reply.contentSize() > kMaxEchoedPayloadBytes) reply.clearChildren();
  reply.addChild(error.toElement());
  return reply;
}

}  // namespace kontalk::xmpp
