#pragma once
// Stanzas cross s2s links in jabber:server and live inside the server in jabber:client (RFC 6120
// §4.8.3): modules and c2s streams look for <body/>, <error/> and the rest in jabber:client.
// Outbound, LinkConnection::sendElement writes jabber:client elements without xmlns, so that
// they inherit the s2s stream's default namespace; inbound, this moves them back.
// Threading: pure functions; any thread.

#include "xml/element.hpp"

namespace kontalk::s2s {

// A copy of `stanza` with every element in jabber:server moved to jabber:client.
xml::Element toClientNamespace(const xml::Element& stanza);

}  // namespace kontalk::s2s
