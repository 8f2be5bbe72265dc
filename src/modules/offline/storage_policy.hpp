#pragma once
// What goes into offline storage and how it is marked (XEP-0160, XEP-0203).
// Threading: pure functions over values; any thread.

#include <chrono>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::modules::offline {

// Whether an undeliverable <message/> is worth storing. Not stored: messages whose only content
// is chat states (XEP-0085 business rules: a stale "composing" means nothing later), messages
// the sender marked <no-store/> or <no-permanent-store/> (XEP-0334 §4) unless also <store/>,
// and messages without any payload. Everything else is stored, receipts (XEP-0184) included,
// because Kontalk relies on them arriving (spec §8).
bool shouldStore(const xml::Element& message);

// Adds <delay xmlns='urn:xmpp:delay' from='DOMAIN' stamp='…'>Offline Storage</delay>
// (XEP-0203 §3, XEP-0160 §3) unless this server already stamped the message, which happens when
// a delivery failed and the message is stored again: the first stamp is the true one.
void stampDelay(xml::Element& message, std::string_view domain,
                std::chrono::system_clock::time_point storedAt);

}  // namespace kontalk::modules::offline
