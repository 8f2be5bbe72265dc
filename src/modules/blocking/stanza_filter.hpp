#pragma once
// What a block list does to a stanza (XEP-0191 §3.5, §3.6), decided without side effects so
// that the module only carries the verdict out.
// Threading: pure functions (BlockLists is thread-safe); any thread.

#include <string_view>

#include "modules/blocking/block_lists.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::blocking {

enum class Verdict {
  Pass,
  Drop,                // silently
  RefuseBlocked,       // error to the sender: not-acceptable + <blocked/> (XEP-0191 §3.6)
  ServiceUnavailable,  // error to the sender: service-unavailable (XEP-0191 §3.5)
};

// A stanza a user's client sends to `to` (empty when it has no 'to').
Verdict filterFromClient(const BlockLists& lists, const xml::Element& stanza, const xmpp::Jid& from,
                         const xmpp::Jid& to, std::string_view domain);

// A stanza on its way to a local account or session `to`, from `from`: dropped or refused when
// the recipient blocks the sender. When the sender is a local account that blocks the recipient
// (stanzas that never passed FromClient as addressed to it: presence broadcasts, multicast
// copies, offline messages from before the block), messages and requests are refused to the
// sender, other stanzas dropped, except errors and unavailable presence, which tell nothing.
Verdict filterToRecipient(const BlockLists& lists, const xml::Element& stanza,
                          const xmpp::Jid& from, const xmpp::Jid& to, std::string_view domain);

// The error reply the server sends when refusing a stanza to a blocked entity (XEP-0191 §3.6).
bool isBlockedRefusal(const xml::Element& stanza);

}  // namespace kontalk::modules::blocking
