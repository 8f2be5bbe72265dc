#pragma once
// Message Carbons (XEP-0280): which messages are copied to the user's other clients, and the
// wrapped copies themselves.
// Threading: pure functions over values; any thread.

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::carbons {

// XEP-0280 §6: chat messages, normal messages with a body, and the instant-messaging payloads
// that travel without one (chat states, receipts); not errors, groupchat or headlines, not
// messages marked <private/> (§7) or <no-copy/> (XEP-0334), and never a carbon itself (§11).
bool isEligible(const xml::Element& message);

enum class CarbonDirection { Sent, Received };

// `original` wrapped in <sent/> or <received/> and <forwarded/> (XEP-0297), from the account's
// bare JID to one of its resources (XEP-0280 §8, §9).
xml::Element makeCarbon(CarbonDirection direction, const xml::Element& original,
                        const xmpp::Jid& account, const xmpp::Jid& resource);

}  // namespace kontalk::modules::carbons
