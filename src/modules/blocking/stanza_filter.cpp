#include "modules/blocking/stanza_filter.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::blocking {
namespace {

bool isServer(const xmpp::Jid& jid, std::string_view domain) {
  return jid.isDomain() && jid.domain() == domain;
}

// Between an account and itself, or with the server, there is nothing to block (a user who
// blocks the own domain must still reach the server).
bool exempt(const xmpp::Jid& from, const xmpp::Jid& to, std::string_view domain) {
  return from.isEmpty() || to.isEmpty() || from.bare() == to.bare() || isServer(from, domain) ||
         isServer(to, domain);
}

// XEP-0191 §3.5: what the blocking user's server does with a blocked entity's stanza.
Verdict inboundFromBlocked(const xml::Element& stanza) {
  const std::string_view type = stanza.attribute("type");
  if (stanza.name() == "presence" || type == "error" || type == "result") return Verdict::Drop;
  return Verdict::ServiceUnavailable;  // messages (SHOULD) and IQ get/set (MUST)
}

}  // namespace

Verdict filterFromClient(const BlockLists& lists, const xml::Element& stanza, const xmpp::Jid& from,
                         const xmpp::Jid& to, std::string_view domain) {
  if (exempt(from, to, domain) || !lists.blocks(from.bareString(), to)) return Verdict::Pass;
  // RFC 6120 §8.2: an error is never answered with an error.
  return stanza.attribute("type") == "error" ? Verdict::Drop : Verdict::RefuseBlocked;
}

Verdict filterToRecipient(const BlockLists& lists, const xml::Element& stanza,
                          const xmpp::Jid& from, const xmpp::Jid& to, std::string_view domain) {
  if (exempt(from, to, domain)) return Verdict::Pass;
  // The refusal of the user's own stanza comes "from" the blocked entity (XEP-0191 §3.6,
  // example): it must reach the user.
  if (lists.blocks(to.bareString(), from) && !isBlockedRefusal(stanza)) {
    return inboundFromBlocked(stanza);
  }
  if (from.domain() == domain && !from.local().empty() && lists.blocks(from.bareString(), to)) {
    const std::string_view type = stanza.attribute("type");
    const bool harmless = type == "error" || (stanza.name() == "presence" && type == "unavailable");
    if (harmless) return Verdict::Pass;
    // A message or request of the user's that did not pass FromClient as addressed to the
    // blocked entity (a multicast copy, a message stored before the block): refused as if it
    // had, so the user learns it was not delivered (XEP-0191 §3.6).
    const bool request = stanza.name() == "message" || type == "get" || type == "set";
    return request ? Verdict::RefuseBlocked : Verdict::Drop;
  }
  return Verdict::Pass;
}

bool isBlockedRefusal(const xml::Element& stanza) {
  if (stanza.attribute("type") != "error") return false;
  const xml::Element* error = stanza.child("error", stanza.xmlns());
  return error != nullptr && error->child("blocked", ns::kBlockingErrors) != nullptr;
}

}  // namespace kontalk::modules::blocking
