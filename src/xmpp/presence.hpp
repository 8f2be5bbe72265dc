#pragma once
// Reading presence stanzas (RFC 6121 §4.7).
// Threading: pure functions over values; any thread.
#include "xml/element.hpp"

namespace kontalk::xmpp {
// RFC 6121 §4.7.2.3: an integer in -128..127; 0 when absent or invalid.
int presencePriority(const xml::Element& presence);
// RFC 6121 §3: subscribe, subscribed, unsubscribe or unsubscribed (any element named presence).
bool isSubscriptionPresence(const xml::Element& stanza);
}  // namespace kontalk::xmpp
