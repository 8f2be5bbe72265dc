// Presence subscriptions (RFC 6121 §3): outbound stanzas update the sender's roster and are
// routed from its bare JID; inbound ones update the recipient's roster, are delivered to its
// interested resources or stored until its next login, or are answered by the server
// (already subscribed, pre-approved).
#include <chrono>

#include <spdlog/spdlog.h>

#include "base/unix_time.hpp"
#include "modules/roster/roster_service.hpp"
#include "storage/storage.hpp"
#include "xml/element_text.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {

namespace {

xml::Element presenceOfType(const xmpp::Jid& from, const xmpp::Jid& to, std::string type) {
  xml::Element presence("presence", ns::kClient);
  presence.setAttribute("from", from.toString());
  presence.setAttribute("to", to.toString());
  presence.setAttribute("type", std::move(type));
  return presence;
}

}  // namespace

std::optional<RosterService::Relationship> RosterService::readRelationship(
    const xmpp::Jid& owner, const xmpp::Jid& contact) {
  auto item = store().item(owner.local(), owner.domain(), contact.toString());
  auto pending = store().pendingSubscription(owner.local(), owner.domain(), contact.toString());
  if (!item || !pending) {
    spdlog::error("roster: reading {}'s state for {}", owner.toString(), contact.toString());
    return std::nullopt;
  }
  return Relationship{*item, stateOf(*item, pending->has_value())};
}

void RosterService::processOutbound(const xmpp::Jid& sender, const xmpp::Jid& contact,
                                    SubscriptionStanza kind, xml::Element stanza,
                                    api::AcknowledgementHold hold) {
  const xmpp::Jid owner = sender.bare();
  const auto stored = readRelationship(owner, contact);
  if (!stored) return;
  const SubscriptionState before = stored->state;
  const SubscriptionTransition transition = outboundTransition(before, kind);
  if (!stored->item && isVisible(transition.next)) {
    auto count = store().itemCount(owner.local(), owner.domain());
    if (!count) return;
    if (static_cast<std::size_t>(*count) >= limits_.maxItems) {
      // The new relationship would need a roster item there is no room for.
      stanza.setAttribute("from", sender.toString());
      stanza.setAttribute("to", contact.toString());
      auto error = xmpp::makeErrorReply(
          stanza, xmpp::StanzaError::of(xmpp::StanzaErrorCondition::PolicyViolation,
                                        "The roster is full."));
      error.setAttribute("from", contact.toString());
      host_.send(std::move(error));
      return;
    }
  }
  if (!commitState(owner, contact, stored->item, before, transition.next, nullptr)) return;
  // §3.1.2: the server stamps the account's bare JID as 'from' (and the contact's bare JID).
  stanza.setAttribute("from", owner.toString());
  stanza.setAttribute("to", contact.toString());
  if (transition.forward) host_.send(std::move(stanza), std::move(hold));
  if (transition.sendPresence) sendCurrentPresence(owner, contact);
  if (transition.sendUnavailable) sendUnavailablePresence(owner, contact);
}

void RosterService::processInbound(const xmpp::Jid& owner, const xmpp::Jid& contact,
                                   SubscriptionStanza kind, xml::Element stanza) {
  auto account = host_.accounts().find(owner);
  if (!account) {
    spdlog::error("roster: looking up {}: {}", owner.toString(), account.error().message);
    return;
  }
  if (!*account) {
    // §3.1.3: no such account: the requester's server learns that no subscription will come.
    if (kind == SubscriptionStanza::Subscribe) {
      host_.send(presenceOfType(owner, contact, "unsubscribed"));
    }
    return;
  }
  const auto stored = readRelationship(owner, contact);
  if (!stored) return;
  const SubscriptionState before = stored->state;
  const SubscriptionTransition transition = inboundTransition(before, kind);
  stanza.setAttribute("from", contact.toString());
  stanza.setAttribute("to", owner.toString());
  if (!commitState(owner, contact, stored->item, before, transition.next, &stanza)) return;
  if (transition.forward) deliverToInterested(owner, stanza);
  if (transition.replySubscribed) host_.send(presenceOfType(owner, contact, "subscribed"));
  if (transition.sendPresence) sendCurrentPresence(owner, contact);
  if (transition.sendUnavailable) sendUnavailablePresence(owner, contact);
}

bool RosterService::commitState(const xmpp::Jid& owner, const xmpp::Jid& contact,
                                std::optional<storage::RosterItem> item,
                                const SubscriptionState& before, const SubscriptionState& after,
                                const xml::Element* request) {
  const std::string& username = owner.local();
  const std::string& domain = owner.domain();
  if (before.pendingIn && !after.pendingIn) {
    if (auto removed = store().removePendingSubscription(username, domain, contact.toString());
        !removed) {
      spdlog::error("roster: {}: {}", owner.toString(), removed.error().message);
      return false;
    }
  } else if (!before.pendingIn && after.pendingIn && request != nullptr) {
    // §3.1.3: kept until the user answers, and delivered again at each login until then.
    storage::PendingSubscription pending{contact.toString(), xml::serialize(*request, ns::kClient),
                                         base::unixNow()};
    if (auto stored = store().putPendingSubscription(username, domain, pending); !stored) {
      spdlog::error("roster: {}: {}", owner.toString(), stored.error().message);
      return false;
    }
  }
  if (!item && !isVisible(after)) return true;
  storage::RosterItem updated = item.value_or(storage::RosterItem{});
  updated.contact = contact.toString();
  applyState(updated, after);
  if (item && updated == *item) return true;
  auto version = store().putItem(username, domain, updated);
  if (!version) {
    spdlog::error("roster: {}: {}", owner.toString(), version.error().message);
    return false;
  }
  pushItem(owner, itemElement(updated), *version);
  return true;
}

void RosterService::deliverToInterested(const xmpp::Jid& owner, const xml::Element& stanza) {
  for (const xmpp::Jid& resource : registry_.interestedAvailableResources(owner)) {
    xml::Element copy = stanza;
    copy.setAttribute("to", resource.toString());
    host_.send(std::move(copy));
  }
}

void RosterService::deliverPendingRequests(const xmpp::Jid& resource) {
  const xmpp::Jid owner = resource.bare();
  auto pending = store().pendingSubscriptions(owner.local(), owner.domain());
  if (!pending) {
    spdlog::error("roster: {}: {}", owner.toString(), pending.error().message);
    return;
  }
  for (const storage::PendingSubscription& request : *pending) {
    auto stanza = xml::parseElement(request.stanza, ns::kClient);
    if (!stanza) {
      spdlog::warn("roster: skipping an unreadable stored request to {}", owner.toString());
      continue;
    }
    stanza->setAttribute("to", resource.toString());
    host_.send(std::move(*stanza));
  }
}

}  // namespace kontalk::modules::roster
