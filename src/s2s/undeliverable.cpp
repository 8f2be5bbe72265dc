#include "s2s/undeliverable.hpp"

#include "xmpp/stanza_error.hpp"

namespace kontalk::s2s {

void handleUndeliverable(router::Router& router, const xml::Element& stanza,
                         api::JournalId journalId, bool unreachable) {
  if (journalId != 0 && router.journal() != nullptr) {
    router.journal()->release({&journalId, 1});
    return;
  }
  const std::string_view type = stanza.attribute("type");
  if (type == "error" || type == "result") return;
  xmpp::StanzaError error;
  if (stanza.name() == "iq" && unreachable) {
    error = xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerNotFound);
    error.type = xmpp::StanzaErrorType::Cancel;
  } else if (stanza.name() == "iq" || stanza.name() == "message") {
    error = xmpp::StanzaError::of(xmpp::StanzaErrorCondition::RemoteServerTimeout);
    error.type = xmpp::StanzaErrorType::Wait;
  } else {
    return;
  }
  // From the addressee, to the sender (RFC 6120 §8.3.1); the router delivers it locally.
  router.route(xmpp::makeErrorReply(stanza, error));
}

}  // namespace kontalk::s2s
