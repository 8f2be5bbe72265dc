#pragma once
// Checks a stanza a bound client sent and stamps its sender (RFC 6120 §8.1.2.1): the server, not
// the client, decides the 'from' of everything a client sends.
// Threading: a pure function; any thread (each stream calls it on its shard).

#include <optional>
#include <variant>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"
#include "xmpp/stream_error.hpp"

namespace kontalk::stream {

struct StanzaAccepted {};
// What to do with a stanza that fails the checks: answer it with a stanza error, or end the
// stream (for errors RFC 6120 defines at stream level).
using InboundVerdict = std::variant<StanzaAccepted, xmpp::StanzaError, xmpp::StreamError>;

// Validates `stanza` (a top-level element in jabber:client) from the session `sender` (full JID)
// and, when accepted, sets its 'from' to `sender`.
InboundVerdict acceptClientStanza(xml::Element& stanza, const xmpp::Jid& sender);

}  // namespace kontalk::stream
