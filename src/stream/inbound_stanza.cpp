#include "stream/inbound_stanza.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::stream {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;
using xmpp::StreamError;
using xmpp::StreamErrorCondition;

bool isOneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (auto candidate : allowed) {
    if (value == candidate) return true;
  }
  return false;
}

}  // namespace

InboundVerdict acceptClientStanza(xml::Element& stanza, const xmpp::Jid& sender) {
  const std::string& name = stanza.name();
  if (stanza.xmlns() != ns::kClient || !isOneOf(name, {"message", "presence", "iq"})) {
    return StreamError{StreamErrorCondition::UnsupportedStanzaType,
                       "Unknown top-level element <" + name + "/>."};
  }
  // RFC 6120 §8.1.2.1: a 'from' other than the session's own full or bare JID is refused.
  if (stanza.hasAttribute("from")) {
    auto claimed = xmpp::Jid::parse(stanza.attribute("from"));
    if (!claimed || (*claimed != sender && *claimed != sender.bare())) {
      return StreamError{StreamErrorCondition::InvalidFrom, "The 'from' address is not yours."};
    }
  }
  stanza.setAttribute("from", sender.toString());

  if (stanza.hasAttribute("to")) {
    auto to = xmpp::Jid::parse(stanza.attribute("to"));
    if (!to) return StanzaError::of(StanzaErrorCondition::JidMalformed, "Invalid 'to' address.");
    // Route on the prepared form so that every later comparison is exact.
    stanza.setAttribute("to", to->toString());
  }

  const std::string_view type = stanza.attribute("type");
  if (name == "iq") {
    // RFC 6120 §8.2.3: an IQ has an id and one of four types.
    if (!stanza.hasAttribute("id") || !isOneOf(type, {"get", "set", "result", "error"})) {
      return StanzaError::of(StanzaErrorCondition::BadRequest, "An IQ needs an id and a type.");
    }
  } else if (name == "presence") {
    if (stanza.hasAttribute("type") &&
        !isOneOf(type, {"unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed",
                        "probe", "error"})) {
      return StanzaError::of(StanzaErrorCondition::BadRequest, "Unknown presence type.");
    }
  } else if (stanza.hasAttribute("type") &&
             !isOneOf(type, {"chat", "error", "groupchat", "headline", "normal"})) {
    // RFC 6121 §5.2.2: an unknown message type is treated as normal.
    stanza.setAttribute("type", "normal");
  }
  return StanzaAccepted{};
}

}  // namespace kontalk::stream
