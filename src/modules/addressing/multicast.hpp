#pragma once
// The multicast service of Extended Stanza Addressing (XEP-0033 §2.2, §5): turns one message
// carrying <addresses/> into the copies to deliver, one per recipient.
// Threading: a pure function over values; any thread.

#include <cstddef>
#include <vector>

#include <tl/expected.hpp>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::addressing {

struct MulticastCopy {
  xmpp::Jid recipient;
  xml::Element stanza;  // addressed to `recipient`
};

// `message` must carry an <addresses/> element. Every 'to', 'cc' and 'bcc' address not yet
// delivered gets one copy (each JID once); in every copy those addresses are marked
// delivered='true' and the 'bcc' ones are removed (XEP-0033 §4.6.3), while 'replyto', 'replyroom',
// 'noreply' and 'ofrom' are kept for the recipients' replies (§7). Errors (§8): more than
// `maxAddresses` addresses is not-acceptable, an unknown type bad-request, a 'uri' address
// feature-not-implemented, a malformed JID jid-malformed.
tl::expected<std::vector<MulticastCopy>, xmpp::StanzaError> expandMulticast(
    const xml::Element& message, std::size_t maxAddresses);

}  // namespace kontalk::modules::addressing
