#pragma once
// The one place that decides where a stanza goes (ARCHITECTURE.md §2), following RFC 6120 §10
// and RFC 6121 §8: to the server itself (IQ handlers), to a local account (its bare JID: the
// server acts on its behalf or picks resources), to a local session (full JID), or elsewhere.
// Module hooks (api::StanzaHook) run at the points named there.
//
// Threading: every method may be called from any shard concurrently; handlers run on the
// caller's shard, deliveries are posted to the target session's shard.

#include <memory>
#include <optional>
#include <string>

#include "router/extension_points.hpp"
#include "router/pending_iqs.hpp"
#include "router/remote_route.hpp"
#include "router/routing_metrics.hpp"
#include "router/session_directory.hpp"
#include "router/session_registry.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::router {

class Router {
 public:
  Router(xmpp::Jid domain, SessionDirectory& sessions, const ExtensionPoints& extensions);

  // A stanza a bound client sent, already validated and stamped (stream::acceptClientStanza):
  // runs the FromClient hooks, then routes it.
  void routeFromClient(xml::Element stanza, const LocalSession& sender);

  // Routes a stanza whose 'from' was stamped by the server (a local session's full JID, or the
  // server's own domain or an account for server-generated stanzas). 'to' may be absent.
  // `journalId` is the delivery-journal record a message already has (a stored message, or one
  // a session that ended had not acknowledged): it keeps that record instead of a new one.
  // `source` is who acknowledges the stanza to its peer: the hooks may hold that back
  // (api/acknowledgement_gate.hpp).
  void route(xml::Element stanza, api::JournalId journalId = 0,
             const api::AcknowledgementSource& source = {});

  // Hands `stanza` to the session bound to `jid` without the ToSession hooks (they ran when a
  // module held it back, see api::ModuleHost::deliverHeld); dropped when that session is gone.
  void deliverHeld(const xmpp::Jid& jid, xml::Element stanza);
  // Delivers a presence to the available resources of the local account its 'to' names, after
  // the ToAccount hooks (api::ModuleHost::deliverToResources).
  void deliverToResources(xml::Element presence);

  // A session was bound / has ended. handleSessionClosed removes it from the directory and, if it
  // was available, tells the account's other resources it is now unavailable (RFC 6121 §4.5.2).
  // Both run the modules' session hooks; a session that a newer one with its full JID replaced
  // has nothing left to clean up. Call from the session's shard.
  void handleSessionBound(const LocalSession& session);
  void handleSessionClosed(const std::shared_ptr<LocalSession>& session);

  // Stanzas for other domains go to `remote` (the s2s layer) from now on. Call before the shards
  // start; `remote` must outlive the router's use.
  void setRemoteRoute(RemoteRoute* remote) { remote_ = remote; }
  // Bound and ended sessions are reported to `registry` (a cluster's directory) from now on.
  // Call before the shards start; `registry` must outlive the router's use.
  void setSessionRegistry(SessionRegistry* registry) { registry_ = registry; }

  const xmpp::Jid& domain() const { return domain_; }
  // The delivery journal (nullptr without one), for the remote route's acknowledgements.
  api::DeliveryJournal* journal() const { return extensions_.journal; }
  const SessionDirectory& sessions() const { return sessions_; }
  // The server's own outstanding IQ requests (api::ModuleHost::sendIq): results and errors
  // addressed to a bare JID of the domain, the router's bounces included, go to them.
  PendingIqs& pendingIqs() { return pendingIqs_; }

  // At most this many of the server's own IQ requests wait for an answer at once.
  static constexpr std::size_t kMaxPendingIqs = 10'000;

 private:
  // `serviceScope`: IqScope::Service for an IQ to a subdomain service; else the scope follows
  // from `to` (the domain: Server; an account: Account).
  void routeIq(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
               std::optional<api::IqScope> serviceScope = std::nullopt);
  void routeMessage(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                    api::JournalId journalId, const api::AcknowledgementSource& source);
  void routePresence(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                     const api::AcknowledgementSource& source);
  void dispatchIqToHandler(const xml::Element& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                           api::IqScope scope);
  void broadcastOwnPresence(xml::Element& stanza, const xmpp::Jid& from);
  // RFC 6121 §8.5.2.1.2: a presence to an account goes to each of its available resources.
  void deliverPresenceToResources(const xml::Element& stanza, const xmpp::Jid& account);
  // Delivers to the message's bare JID per RFC 6121 §8.5.2; returns false when no resource was
  // available. `journalId` as in deliver().
  bool deliverToBareJid(const xml::Element& stanza, const xmpp::Jid& bareJid,
                        api::JournalId& journalId);
  // Hands `stanza` to one session after the ToSession hooks; false when a hook consumed it.
  // A message gets its delivery-journal record here, just before it leaves for the session:
  // `journalId` is the record it has (0: none yet) and becomes the one it got.
  bool deliver(LocalSession& session, xml::Element stanza, api::JournalId& journalId);
  bool deliver(LocalSession& session, xml::Element stanza) {
    api::JournalId none = 0;
    return deliver(session, std::move(stanza), none);
  }
  // A recorded message that will not be delivered (a module dropped it) needs no record.
  void settle(api::JournalId journalId);
  // Runs the ToAccount hooks; true when a module consumed the stanza.
  bool consumedForAccount(xml::Element& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                          const api::AcknowledgementSource& source);
  void handleUndeliverable(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                           api::JournalId journalId);
  void bounce(const xml::Element& stanza, xmpp::StanzaErrorCondition condition,
              std::string text = {});
  bool isLocalDomain(const xmpp::Jid& jid) const { return jid.domain() == domain_.domain(); }
  // Hands an iq result or error to the request of the server's it answers; false when none
  // waits for it.
  bool answerPending(const xml::Element& response, const xmpp::Jid& from, const xmpp::Jid& to);

  xmpp::Jid domain_;
  SessionDirectory& sessions_;
  const ExtensionPoints& extensions_;
  RoutingMetrics& metrics_;
  PendingIqs pendingIqs_{kMaxPendingIqs};
  RemoteRoute* remote_ = nullptr;
  SessionRegistry* registry_ = nullptr;
};

}  // namespace kontalk::router
