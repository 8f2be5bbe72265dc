#pragma once
// The one place that decides where a stanza goes (ARCHITECTURE.md §2), following RFC 6120 §10
// and RFC 6121 §8: to the server itself (IQ handlers), to a local account (its bare JID: the
// server acts on its behalf or picks resources), to a local session (full JID), or elsewhere.
//
// Threading: route() may be called from any shard concurrently; handlers run on the caller's
// shard, deliveries are posted to the target session's shard.

#include <string>

#include "router/iq_handler_table.hpp"
#include "router/session_directory.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::router {

class Router {
 public:
  Router(xmpp::Jid domain, SessionDirectory& sessions, const IqHandlerTable& iqHandlers);

  // Routes a stanza whose 'from' was stamped by the server (a local session's full JID, or the
  // server's own domain for server-generated stanzas). 'to' may be absent.
  void route(xml::Element stanza);

  // A bound session ended: it leaves the directory and, if it was available, the account's other
  // resources learn that it is unavailable (RFC 6121 §4.5.2). Call from the session's shard.
  void handleSessionClosed(const std::shared_ptr<LocalSession>& session);

  const xmpp::Jid& domain() const { return domain_; }

 private:
  void routeIq(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to);
  void routeMessage(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to);
  void routePresence(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to);
  void dispatchIqToHandler(const xml::Element& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                           api::IqScope scope);
  void broadcastOwnPresence(const xml::Element& stanza, const xmpp::Jid& from);
  // Delivers to the message's bare JID per RFC 6121 §8.5.2; returns false when no resource took it.
  bool deliverToBareJid(const xml::Element& stanza, const xmpp::Jid& bareJid);
  void bounce(const xml::Element& stanza, xmpp::StanzaErrorCondition condition,
              std::string text = {});
  bool isLocalDomain(const xmpp::Jid& jid) const { return jid.domain() == domain_.domain(); }

  xmpp::Jid domain_;
  SessionDirectory& sessions_;
  const IqHandlerTable& iqHandlers_;
};

}  // namespace kontalk::router
