#pragma once
// The <item jid='…'/> children of a <block/> or <unblock/> request (XEP-0191 §3.3, §3.4),
// checked and prepared.
// Threading: a pure function over values; any thread.

#include <cstddef>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::blocking {

// The items' JIDs in canonical form, duplicates removed, in request order. Errors: more than
// `maxItems` items (policy-violation), an item without a valid 'jid' (jid-malformed, XEP-0191
// §3.3 for block; bad-request for a missing attribute).
tl::expected<std::vector<std::string>, xmpp::StanzaError> readBlockItems(
    const xml::Element& payload, std::size_t maxItems);

}  // namespace kontalk::modules::blocking
