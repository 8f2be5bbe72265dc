#include "router/router.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <spdlog/spdlog.h>

#include "router/routing_metrics.hpp"
#include "xmpp/message_type.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/presence.hpp"

namespace kontalk::router {
namespace {

using xmpp::StanzaErrorCondition;

std::optional<xmpp::Jid> parseAddress(const xml::Element& stanza, std::string_view attribute) {
  if (!stanza.hasAttribute(attribute)) return xmpp::Jid{};
  return xmpp::Jid::parse(stanza.attribute(attribute));
}

}  // namespace

Router::Router(xmpp::Jid domain, SessionDirectory& sessions, const ExtensionPoints& extensions)
    : domain_(std::move(domain)),
      sessions_(sessions),
      extensions_(extensions),
      metrics_(routingMetrics()) {}

void Router::routeFromClient(xml::Element stanza, const LocalSession& sender) {
  const auto to = xmpp::Jid::parse(stanza.attribute("to")).value_or(xmpp::Jid{});
  api::StanzaEvent event{stanza, sender.jid(),
                         to,     &sender,
                         0,      api::AcknowledgementSource{&sender.acknowledgementGate(), {}}};
  if (extensions_.run(api::StanzaHook::FromClient, event) == api::HandlerResult::Handled) return;
  route(std::move(stanza), 0, event.acknowledgement);
}

bool Router::deliver(LocalSession& session, xml::Element stanza, api::JournalId& journalId) {
  const auto from = xmpp::Jid::parse(stanza.attribute("from")).value_or(xmpp::Jid{});
  api::StanzaEvent event{stanza, from, session.jid(), &session};
  if (extensions_.run(api::StanzaHook::ToSession, event) == api::HandlerResult::Handled) {
    return false;
  }
  if (extensions_.journal != nullptr && stanza.name() == "message") {
    journalId = extensions_.journal->record(stanza, session.jid().bare(), journalId);
  }
  metrics_.delivered(stanza);
  session.deliver(std::move(stanza), journalId);
  return true;
}

void Router::settle(api::JournalId journalId) {
  if (journalId != 0 && extensions_.journal != nullptr) {
    extensions_.journal->settle({&journalId, 1});
  }
}

void Router::deliverHeld(const xmpp::Jid& jid, xml::Element stanza) {
  if (auto session = sessions_.find(jid)) session->deliver(std::move(stanza), 0);
}

bool Router::consumedForAccount(xml::Element& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                                const api::AcknowledgementSource& source) {
  api::StanzaEvent event{stanza, from, to, nullptr, 0, source};
  return extensions_.run(api::StanzaHook::ToAccount, event) == api::HandlerResult::Handled;
}

void Router::handleUndeliverable(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                                 api::JournalId journalId) {
  metrics_.undeliverable(stanza);
  api::StanzaEvent event{stanza, from, to, nullptr, journalId};
  if (extensions_.run(api::StanzaHook::Undeliverable, event) == api::HandlerResult::Handled) return;
  bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
}

void Router::handleSessionBound(const LocalSession& session) {
  if (registry_ != nullptr) registry_->sessionBound(session.jid());
  extensions_.notify(api::SessionEvent::Bound, session);
}

void Router::route(xml::Element stanza, api::JournalId journalId,
                   const api::AcknowledgementSource& source) {
  auto from = parseAddress(stanza, "from");
  auto to = parseAddress(stanza, "to");
  if (!from || from->isEmpty()) {
    spdlog::warn("router: dropping <{}/> without a valid 'from'", stanza.name());
    metrics_.routed(stanza, RouteDestination::Unroutable);
    return;
  }
  if (!to) {
    metrics_.routed(stanza, RouteDestination::Unroutable);
    bounce(stanza, StanzaErrorCondition::JidMalformed, "The 'to' address is not a valid JID.");
    return;
  }
  // RFC 6120 §10.3: a stanza without 'to' is addressed to the sender's own account (presence
  // without 'to' is a broadcast, handled in routePresence).
  const xmpp::Jid target = to->isEmpty() && stanza.name() != "presence" ? from->bare() : *to;
  // Spec §8.6: a subdomain service (media.DOMAIN) is this server's, and only IQs reach it.
  if (target.isDomain() && extensions_.isServiceDomain(target.domain(), domain_.domain())) {
    metrics_.routed(stanza, RouteDestination::Service);
    if (stanza.name() == "iq") {
      routeIq(std::move(stanza), *from, target, api::IqScope::Service);
    } else {
      spdlog::debug("router: dropping <{}/> to the service {}", stanza.name(), target.toString());
    }
    settle(journalId);
    return;
  }
  if (!target.isEmpty() && !isLocalDomain(target)) {
    if (remote_ != nullptr) {
      metrics_.routed(stanza, RouteDestination::Remote);
      // Spec §7.9: a message or subscription presence for another server is durable here (the
      // sender's <a/> waits for it) until that server acknowledged it; a stored one keeps its
      // record. The journal decides what is worth keeping.
      if (extensions_.journal != nullptr &&
          (stanza.name() == "message" || xmpp::isSubscriptionPresence(stanza))) {
        journalId = extensions_.journal->record(stanza, target.bare(), journalId);
      }
      remote_->send(std::move(stanza), *from, target, journalId);
      return;
    }
    // Without s2s, say so instead of silently dropping; a stored message is answered by that.
    metrics_.routed(stanza, RouteDestination::Unroutable);
    bounce(stanza, StanzaErrorCondition::RemoteServerNotFound,
           "This server does not federate with other domains.");
    settle(journalId);
    return;
  }
  metrics_.routed(stanza, RouteDestination::Local);
  if (stanza.name() == "message") {
    routeMessage(std::move(stanza), *from, target, journalId, source);
  } else if (stanza.name() == "presence") {
    routePresence(std::move(stanza), *from, target, source);
  } else if (stanza.name() == "iq") {
    routeIq(std::move(stanza), *from, target);
  } else {
    spdlog::warn("router: dropping unknown stanza <{}/> from {}", stanza.name(), from->toString());
  }
}

void Router::routeIq(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                     std::optional<api::IqScope> serviceScope) {
  const std::string_view type = stanza.attribute("type");
  const bool isRequest = type == "get" || type == "set";
  if (!to.isBare()) {
    if (auto session = sessions_.find(to)) {
      deliver(*session, std::move(stanza));
    } else if (isRequest) {
      // RFC 6121 §8.5.3.2.3: an IQ to an unavailable full JID gets service-unavailable.
      bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
    }
    return;
  }
  if (!isRequest) {
    // Results and errors addressed to the server or an account answer requests the server made
    // on its own behalf (api::ModuleHost::sendIq); others are late or unsolicited.
    if (!answerPending(stanza, from, to)) {
      spdlog::debug("router: dropping iq {} to {}", type, to.toString());
    }
    return;
  }
  dispatchIqToHandler(
      stanza, from, to,
      serviceScope.value_or(to.isDomain() ? api::IqScope::Server : api::IqScope::Account));
}

void Router::dispatchIqToHandler(const xml::Element& stanza, const xmpp::Jid& from,
                                 const xmpp::Jid& to, api::IqScope scope) {
  // RFC 6120 §8.2.3: a get or set carries exactly one payload element.
  const auto payloads = stanza.childElements();
  if (payloads.size() != 1) {
    bounce(stanza, StanzaErrorCondition::BadRequest, "An IQ request needs exactly one payload.");
    return;
  }
  const xml::Element& payload = *payloads.front();
  const auto type = stanza.attribute("type") == "get" ? api::IqType::Get : api::IqType::Set;
  if (const auto* handler = extensions_.findIq(scope, payload.xmlns(), type)) {
    if ((*handler)(api::IqRequest{stanza, payload, from, to}) == api::HandlerResult::Handled)
      return;
  }
  bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
}

void Router::routeMessage(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                          api::JournalId journalId, const api::AcknowledgementSource& source) {
  const std::string_view type = stanza.attribute("type");
  if (to.isDomain()) {
    // Messages to the server itself carry nothing it acts on (RFC 6120 §10.4 lets it drop them).
    spdlog::debug("router: dropping message to the server from {}", from.toString());
    return;
  }
  if (!to.isBare()) {
    if (auto session = sessions_.find(to)) {
      if (!deliver(*session, std::move(stanza), journalId)) settle(journalId);
      return;
    }
    // RFC 6121 §8.5.3.2.1: with the full JID gone, normal and chat go to the bare JID, headline
    // and error are dropped, groupchat is refused.
    if (type == "groupchat") bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
    if (!xmpp::isNormalOrChat(type)) return;
  }
  if (type == "groupchat") {
    bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
    return;
  }
  if (consumedForAccount(stanza, from, to, source)) {
    settle(journalId);
    return;
  }
  if (deliverToBareJid(stanza, to.bare(), journalId)) return;
  // RFC 6121 §8.5.2.2: no available resource. Normal and chat messages are offered to offline
  // storage; headlines and errors are dropped silently.
  if (xmpp::isNormalOrChat(type)) {
    handleUndeliverable(std::move(stanza), from, to, journalId);
  }
}

bool Router::deliverToBareJid(const xml::Element& stanza, const xmpp::Jid& bareJid,
                              api::JournalId& journalId) {
  // RFC 6121 §8.5.2.1.1: only available resources with non-negative priority qualify; a message
  // goes to the one(s) with the highest priority, a headline to all of them.
  auto sessions = sessions_.sessionsOf(bareJid);
  std::erase_if(sessions, [](const auto& s) { return !s->isAvailable() || s->priority() < 0; });
  if (sessions.empty()) return false;
  if (stanza.attribute("type") != "headline") {
    const int best =
        std::max_element(sessions.begin(), sessions.end(),
                         [](const auto& a, const auto& b) { return a->priority() < b->priority(); })
            ->get()
            ->priority();
    std::erase_if(sessions, [best](const auto& s) { return s->priority() != best; });
  }
  // Every session gets the same record: the first acknowledgement settles it.
  bool delivered = false;
  for (const auto& session : sessions)
    delivered = deliver(*session, stanza, journalId) || delivered;
  if (!delivered) settle(journalId);
  return true;
}

void Router::routePresence(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                           const api::AcknowledgementSource& source) {
  if (to.isEmpty()) {
    broadcastOwnPresence(stanza, from);
    return;
  }
  if (to.isDomain()) return;  // presence to the server: nothing to do
  if (!to.isBare()) {
    if (auto session = sessions_.find(to)) deliver(*session, std::move(stanza));
    return;
  }
  // Subscription stanzas and probes to an account are the server's business on the account's
  // behalf (RFC 6121 §3, §4.3), handled by modules; without one, directed presence reaches every
  // available resource (RFC 6121 §4.6) and probes go unanswered.
  if (consumedForAccount(stanza, from, to, source)) return;
  if (stanza.attribute("type") == "probe") return;
  deliverPresenceToResources(stanza, to);
}

void Router::deliverPresenceToResources(const xml::Element& stanza, const xmpp::Jid& account) {
  for (const auto& session : sessions_.sessionsOf(account)) {
    if (session->isAvailable()) deliver(*session, stanza);
  }
}

void Router::deliverToResources(xml::Element presence) {
  const auto to = xmpp::Jid::parse(presence.attribute("to"));
  if (!to || !isLocalDomain(*to) || to->isDomain()) return;
  deliverPresenceToResources(presence, to->bare());
}

void Router::broadcastOwnPresence(xml::Element& stanza, const xmpp::Jid& from) {
  const std::string_view type = stanza.attribute("type");
  if (type != "" && type != "unavailable") return;
  if (from.isBare()) return;  // only sessions broadcast presence
  auto sender = sessions_.find(from);
  if (!sender) return;
  sender->setPresence(type.empty(), xmpp::presencePriority(stanza));
  // RFC 6121 §4.2.2 / §4.5.2: the user's own available resources, including the sender, learn
  // of the change. Contacts are the roster module's business (FromClient hook).
  for (const auto& session : sessions_.sessionsOf(from.bare())) {
    if (session->isAvailable() || session == sender) deliver(*session, stanza);
  }
}

void Router::handleSessionClosed(const std::shared_ptr<LocalSession>& session) {
  // A session replaced by a newer one with the same full JID is no longer bound: its successor
  // is the one online, so neither its unavailability nor the modules' clean-up apply.
  if (!sessions_.unbind(*session)) return;
  if (registry_ != nullptr) registry_->sessionEnded(session->jid());
  if (session->isAvailable()) {
    xml::Element unavailable("presence", ns::kClient);
    unavailable.setAttribute("from", session->jid().toString());
    unavailable.setAttribute("type", "unavailable");
    for (const auto& other : sessions_.sessionsOf(session->jid().bare())) {
      if (other->isAvailable()) deliver(*other, unavailable);
    }
  }
  // The session keeps its last presence state so that hooks can tell how it left.
  extensions_.notify(api::SessionEvent::Closed, *session);
}

void Router::bounce(const xml::Element& stanza, StanzaErrorCondition condition, std::string text) {
  // RFC 6120 §8.2: never answer an error with an error.
  if (stanza.attribute("type") == "error") return;
  metrics_.bounced(stanza);
  auto reply = xmpp::makeErrorReply(stanza, xmpp::StanzaError::of(condition, std::move(text)));
  // A stanza without 'to' was addressed to the sender's own account; the error comes from there.
  if (!stanza.hasAttribute("to")) {
    if (auto from = xmpp::Jid::parse(stanza.attribute("from"))) {
      reply.setAttribute("from", from->bareString());
    }
  }
  auto to = xmpp::Jid::parse(reply.attribute("to"));
  if (!to) return;
  if (!isLocalDomain(*to)) {
    // A request from another server gets its answer over s2s (RFC 6120 §8.3.1).
    if (remote_ != nullptr && !to->isEmpty()) {
      const auto from = xmpp::Jid::parse(reply.attribute("from")).value_or(domain_);
      remote_->send(std::move(reply), from, *to, 0);
    }
    return;
  }
  if (to->isBare()) {
    // Only local sessions get bounces, and the server's own IQ requests (sendIq): for them the
    // bounce is the answer (a peer that cannot be reached, spec §7.5 step 4).
    const auto from = xmpp::Jid::parse(reply.attribute("from"));
    if (reply.name() == "iq" && from) answerPending(reply, from->bare(), *to);
    return;
  }
  if (auto session = sessions_.find(*to)) deliver(*session, std::move(reply));
}

bool Router::answerPending(const xml::Element& response, const xmpp::Jid& from,
                           const xmpp::Jid& to) {
  auto callback =
      pendingIqs_.take(from.bareString(), to.bareString(), std::string(response.attribute("id")));
  if (!callback) return false;
  (*callback)(response);
  return true;
}

}  // namespace kontalk::router
