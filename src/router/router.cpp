#include "router/router.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <spdlog/spdlog.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::router {
namespace {

using xmpp::StanzaErrorCondition;

std::optional<xmpp::Jid> parseAddress(const xml::Element& stanza, std::string_view attribute) {
  if (!stanza.hasAttribute(attribute)) return xmpp::Jid{};
  return xmpp::Jid::parse(stanza.attribute(attribute));
}

// RFC 6121 §4.7.2.3: priority is an integer in -128..127; absent means 0.
int presencePriority(const xml::Element& presence) {
  const std::string text = presence.childText("priority", ns::kClient);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return 0;
  return std::clamp(value, -128, 127);
}

}  // namespace

Router::Router(xmpp::Jid domain, SessionDirectory& sessions, const IqHandlerTable& iqHandlers)
    : domain_(std::move(domain)), sessions_(sessions), iqHandlers_(iqHandlers) {}

void Router::route(xml::Element stanza) {
  auto from = parseAddress(stanza, "from");
  auto to = parseAddress(stanza, "to");
  if (!from || from->isEmpty()) {
    spdlog::warn("router: dropping <{}/> without a valid 'from'", stanza.name());
    return;
  }
  if (!to) {
    bounce(stanza, StanzaErrorCondition::JidMalformed, "The 'to' address is not a valid JID.");
    return;
  }
  // RFC 6120 §10.3: a stanza without 'to' is addressed to the sender's own account (presence
  // without 'to' is a broadcast, handled in routePresence).
  const xmpp::Jid target = to->isEmpty() && stanza.name() != "presence" ? from->bare() : *to;
  if (!target.isEmpty() && !isLocalDomain(target)) {
    // Federation (s2s) is not implemented yet: say so instead of silently dropping.
    bounce(stanza, StanzaErrorCondition::RemoteServerNotFound,
           "This server does not federate with other domains yet.");
    return;
  }
  if (stanza.name() == "message") {
    routeMessage(std::move(stanza), *from, target);
  } else if (stanza.name() == "presence") {
    routePresence(std::move(stanza), *from, target);
  } else if (stanza.name() == "iq") {
    routeIq(std::move(stanza), *from, target);
  } else {
    spdlog::warn("router: dropping unknown stanza <{}/> from {}", stanza.name(), from->toString());
  }
}

void Router::routeIq(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  const std::string_view type = stanza.attribute("type");
  const bool isRequest = type == "get" || type == "set";
  if (!to.isBare()) {
    if (auto session = sessions_.find(to)) {
      session->deliver(std::move(stanza));
    } else if (isRequest) {
      // RFC 6121 §8.5.3.2.3: an IQ to an unavailable full JID gets service-unavailable.
      bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
    }
    return;
  }
  if (!isRequest) {
    // Results and errors addressed to the server or an account answer requests the server made
    // on its own behalf; none are outstanding yet, so there is nothing to correlate them with.
    spdlog::debug("router: dropping iq {} to {}", type, to.toString());
    return;
  }
  dispatchIqToHandler(stanza, from, to, to.isDomain() ? api::IqScope::Server : api::IqScope::Account);
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
  if (const auto* handler = iqHandlers_.find(scope, payload.xmlns(), type)) {
    if ((*handler)(api::IqRequest{stanza, payload, from, to}) == api::HandlerResult::Handled) return;
  }
  bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
}

void Router::routeMessage(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  const std::string_view type = stanza.attribute("type");
  if (to.isDomain()) {
    // Messages to the server itself carry nothing it acts on (RFC 6120 §10.4 lets it drop them).
    spdlog::debug("router: dropping message to the server from {}", from.toString());
    return;
  }
  if (!to.isBare()) {
    if (auto session = sessions_.find(to)) {
      session->deliver(std::move(stanza));
      return;
    }
    // RFC 6121 §8.5.3.2.1: with the full JID gone, normal and chat go to the bare JID, headline
    // and error are dropped, groupchat is refused.
    if (type == "groupchat") bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
    if (type != "" && type != "normal" && type != "chat") return;
  }
  if (type == "groupchat") {
    bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
    return;
  }
  if (deliverToBareJid(stanza, to.bare())) return;
  // RFC 6121 §8.5.2.2: no available resource. Headlines and errors are dropped silently;
  // normal and chat messages are refused until offline storage exists.
  if (type == "" || type == "normal" || type == "chat") {
    bounce(stanza, StanzaErrorCondition::ServiceUnavailable);
  }
}

bool Router::deliverToBareJid(const xml::Element& stanza, const xmpp::Jid& bareJid) {
  // RFC 6121 §8.5.2.1.1: only available resources with non-negative priority qualify; a message
  // goes to the one(s) with the highest priority, a headline to all of them.
  auto sessions = sessions_.sessionsOf(bareJid);
  std::erase_if(sessions, [](const auto& s) { return !s->isAvailable() || s->priority() < 0; });
  if (sessions.empty()) return false;
  if (stanza.attribute("type") != "headline") {
    const int best = std::max_element(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
                       return a->priority() < b->priority();
                     })->get()->priority();
    std::erase_if(sessions, [best](const auto& s) { return s->priority() != best; });
  }
  for (std::size_t i = 0; i + 1 < sessions.size(); ++i) sessions[i]->deliver(stanza);
  sessions.back()->deliver(xml::Element(stanza));
  return true;
}

void Router::routePresence(xml::Element&& stanza, const xmpp::Jid& from, const xmpp::Jid& to) {
  const std::string_view type = stanza.attribute("type");
  if (to.isEmpty()) {
    broadcastOwnPresence(stanza, from);
    return;
  }
  if (to.isDomain()) return;  // presence to the server: nothing to do (probes come with roster)
  if (!to.isBare()) {
    if (auto session = sessions_.find(to)) session->deliver(std::move(stanza));
    return;
  }
  // Directed presence and subscription stanzas to a bare JID reach every available resource
  // (RFC 6121 §4.6, §3.1.3). Storing subscription requests for offline users comes with rosters.
  if (type == "probe") return;
  for (const auto& session : sessions_.sessionsOf(to)) {
    if (session->isAvailable()) session->deliver(stanza);
  }
}

void Router::broadcastOwnPresence(const xml::Element& stanza, const xmpp::Jid& from) {
  const std::string_view type = stanza.attribute("type");
  if (type != "" && type != "unavailable") return;
  if (from.isBare()) return;  // only sessions broadcast presence
  auto sender = sessions_.find(from);
  if (!sender) return;
  const bool available = type.empty();
  sender->setPresence(available, presencePriority(stanza));
  // RFC 6121 §4.2.2 / §4.5.2: the user's own available resources, including the sender, learn
  // of the change. Broadcast to contacts needs the roster and is added with it.
  for (const auto& session : sessions_.sessionsOf(from.bare())) {
    if (session->isAvailable() || session == sender) session->deliver(stanza);
  }
}

void Router::handleSessionClosed(const std::shared_ptr<LocalSession>& session) {
  sessions_.unbind(*session);
  if (!session->isAvailable()) return;
  session->setPresence(false, 0);
  xml::Element unavailable("presence", ns::kClient);
  unavailable.setAttribute("from", session->jid().toString());
  unavailable.setAttribute("type", "unavailable");
  for (const auto& other : sessions_.sessionsOf(session->jid().bare())) {
    if (other->isAvailable()) other->deliver(unavailable);
  }
}

void Router::bounce(const xml::Element& stanza, StanzaErrorCondition condition, std::string text) {
  // RFC 6120 §8.2: never answer an error with an error.
  if (stanza.attribute("type") == "error") return;
  auto reply = xmpp::makeErrorReply(stanza, xmpp::StanzaError::of(condition, std::move(text)));
  // A stanza without 'to' was addressed to the sender's own account; the error comes from there.
  if (!stanza.hasAttribute("to")) {
    if (auto from = xmpp::Jid::parse(stanza.attribute("from"))) {
      reply.setAttribute("from", from->bareString());
    }
  }
  auto to = xmpp::Jid::parse(reply.attribute("to"));
  if (!to || !isLocalDomain(*to) || to->isBare()) return;  // only local sessions get bounces
  if (auto session = sessions_.find(*to)) session->deliver(std::move(reply));
}

}  // namespace kontalk::router
