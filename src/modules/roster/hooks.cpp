// The roster module's entry points on the shards: they classify a stanza, keep the per-session
// state that must change at once (availability, directed presence, interest), and post the
// storage work to the account's queue.
#include "modules/roster/roster_service.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {

namespace {

std::optional<SubscriptionStanza> subscriptionStanza(std::string_view type) {
  if (type == "subscribe") return SubscriptionStanza::Subscribe;
  if (type == "subscribed") return SubscriptionStanza::Subscribed;
  if (type == "unsubscribe") return SubscriptionStanza::Unsubscribe;
  if (type == "unsubscribed") return SubscriptionStanza::Unsubscribed;
  return std::nullopt;
}

}  // namespace

RosterService::RosterService(api::ModuleHost& host, RosterLimits limits,
                             std::size_t maxDirectedPerSession)
    : host_(host), limits_(limits), registry_(maxDirectedPerSession), queue_(host) {}

void RosterService::handleSessionBound(const api::Session& session) {
  registry_.addSession(session.jid());
}

void RosterService::handleSessionClosed(const api::Session& session) {
  auto targets = registry_.removeSession(session.jid());
  // The session's last presence state is still readable here (ModuleHost::hookSessionClosed).
  const bool wasAvailable = session.isAvailable();
  if (!wasAvailable && targets.empty()) return;
  // §4.6.3 and §4.5.2 (the stream ended without unavailable presence): contacts and directed
  // presence targets learn that the resource is gone.
  xml::Element unavailable("presence", ns::kClient);
  unavailable.setAttribute("from", session.jid().toString());
  unavailable.setAttribute("type", "unavailable");
  queue_.post(session.jid().bareString(), [this, resource = session.jid(), unavailable,
                                           targets = std::move(targets), wasAvailable]() mutable {
    broadcastUnavailable(resource, std::move(unavailable), std::move(targets), wasAvailable);
  });
}

api::HandlerResult RosterService::handleFromClient(api::StanzaEvent& event) {
  xml::Element& stanza = event.stanza;
  if (stanza.name() != "presence" || event.session == nullptr) return api::HandlerResult::Continue;
  const std::string_view type = stanza.attribute("type");
  const xmpp::Jid& sender = event.from;
  if (const auto kind = subscriptionStanza(type)) {
    // A subscription is between two accounts: to a server or to nobody, the router answers.
    // A contact on another domain is handled like a local one (RFC 6121 §3.1.2): the roster
    // records the request, and the stanza leaves from the bare JID for the contact's server.
    if (event.to.isEmpty() || event.to.isDomain()) return api::HandlerResult::Continue;
    const xmpp::Jid contact = event.to.bare();
    // The user's own resources share presence anyway (§4.2.2); a self-subscription is dropped.
    if (contact == sender.bare()) return api::HandlerResult::Handled;
    // The sender's <a/> covers the subscription once it is stored and recorded for the contact
    // (spec §7.9): the hold goes with the stanza until the router has taken it.
    queue_.post(sender.bareString(), [this, sender, contact, kind = *kind, copy = stanza,
                                      hold = event.holdAcknowledgement()]() mutable {
      processOutbound(sender, contact, kind, std::move(copy), std::move(hold));
    });
    return api::HandlerResult::Handled;
  }
  if (type != "" && type != "unavailable") return api::HandlerResult::Continue;
  if (!event.to.isEmpty()) {
    // §4.6: directed presence; the router delivers it. Remember available targets outside the
    // account so that they are told when this resource goes offline (§4.6.3).
    if (event.to.bare() != sender.bare()) {
      if (type.empty()) {
        registry_.addDirectedTarget(sender, event.to.toString());
      } else {
        registry_.removeDirectedTarget(sender, event.to.toString());
      }
    }
    return api::HandlerResult::Continue;
  }
  // Broadcast presence. The router updates the session's availability after this hook, so
  // "not available yet" means this is the initial presence (§4.2).
  const bool wasAvailable = event.session->isAvailable();
  if (type.empty()) {
    registry_.setAvailable(sender, stanza);
    queue_.post(sender.bareString(), [this, sender, copy = stanza, wasAvailable]() mutable {
      broadcastAvailable(sender, std::move(copy), !wasAvailable);
    });
  } else {
    auto targets = registry_.takeDirectedTargets(sender);
    registry_.setUnavailable(sender);
    // §4.5.2: an unavailable resource has nothing to withdraw from its contacts.
    queue_.post(sender.bareString(), [this, sender, copy = stanza, targets = std::move(targets),
                                      wasAvailable]() mutable {
      broadcastUnavailable(sender, std::move(copy), std::move(targets), wasAvailable);
    });
  }
  return api::HandlerResult::Continue;
}

api::HandlerResult RosterService::handleToAccount(api::StanzaEvent& event) {
  if (event.stanza.name() != "presence" || event.from.isEmpty()) {
    return api::HandlerResult::Continue;
  }
  const std::string_view type = event.stanza.attribute("type");
  const xmpp::Jid owner = event.to.bare();
  if (const auto kind = subscriptionStanza(type)) {
    // §3.1.3: a subscription stanza addressed to a full JID is handled as if to the bare JID;
    // it is about the sender's account, whatever resource sent it.
    const xmpp::Jid contact = event.from.bare();
    if (contact == owner) return api::HandlerResult::Handled;
    // Whoever acknowledges the subscription to its sender (the sender's session, an s2s link's
    // ping answer) waits until this work stored it: the hold ends with the job.
    queue_.post(owner.toString(), [this, owner, contact, kind = *kind, copy = event.stanza,
                                   hold = event.holdAcknowledgement()]() mutable {
      processInbound(owner, contact, kind, std::move(copy));
    });
    return api::HandlerResult::Handled;
  }
  if (type == "probe") {
    // §4.3.2: the server answers probes for the account.
    queue_.post(owner.toString(),
                [this, owner, prober = event.from] { answerProbe(owner, prober); });
    return api::HandlerResult::Handled;
  }
  if (type.empty() || type == "unavailable") {
    // §3.1.5: a contact approving a subscription sends `subscribed`, then its presence. The
    // `subscribed` waits in this account's queue for storage and then causes the roster push,
    // so a presence arriving behind it must come after both: it waits in the queue while that
    // has work, else it is queued behind what the work already sent (deliverToResources).
    auto deliver = [this, copy = event.stanza]() mutable {
      host_.deliverToResources(std::move(copy));
    };
    if (!queue_.postIfBusy(owner.toString(), deliver)) deliver();
    return api::HandlerResult::Handled;
  }
  return api::HandlerResult::Continue;
}

}  // namespace kontalk::modules::roster
