// Roster get, set and remove (RFC 6121 §2) with versioning (§2.6) and pushes (§2.1.6).
#include <spdlog/spdlog.h>

#include "modules/roster/roster_service.hpp"
#include "storage/storage.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {

namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// Answers a copied request from a worker: IqRequest only refers to the stanza it answers.
void reply(api::ModuleHost& host, const xml::Element& stanza, const xmpp::Jid& requester,
           std::optional<xml::Element> payload) {
  const xmpp::Jid account = requester.bare();
  host.replyResult(api::IqRequest{stanza, stanza, requester, account}, std::move(payload));
}

void replyFailure(api::ModuleHost& host, const xml::Element& stanza, const xmpp::Jid& requester,
                  const Status& status, const std::string& what) {
  host.replyFailure(api::IqRequest{stanza, stanza, requester, requester.bare()}, status,
                    what + " of " + requester.bareString());
}

void replyError(api::ModuleHost& host, const xml::Element& stanza, const xmpp::Jid& requester,
                StanzaErrorCondition condition, std::string text = {}) {
  const xmpp::Jid account = requester.bare();
  host.replyError(api::IqRequest{stanza, stanza, requester, account},
                  StanzaError::of(condition, std::move(text)));
}

xml::Element rosterQuery(std::int64_t version) {
  xml::Element query("query", ns::kRoster);
  query.setAttribute("ver", std::to_string(version));
  return query;
}

}  // namespace

Result<bool> RosterService::seesPresenceOf(const xmpp::Jid& contact, const xmpp::Jid& account) {
  auto item = store().item(account.local(), account.domain(), contact.bareString());
  if (!item) return tl::unexpected(item.error());
  return *item && (*item)->subscriptionFrom;
}

storage::RosterStore& RosterService::store() {
  return host_.storage().rosters();
}

api::HandlerResult RosterService::handleRosterGet(const api::IqRequest& request) {
  // §2.1.5 / §2.3.3: a user reads and writes only their own roster.
  if (request.to != request.from.bare()) {
    host_.replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
    return api::HandlerResult::Handled;
  }
  // §2.1.6: a resource that requested the roster is "interested" and receives pushes.
  registry_.setInterested(request.from);
  std::optional<std::string> version;
  if (request.payload.hasAttribute("ver")) version = std::string(request.payload.attribute("ver"));
  queue_.post(request.from.bareString(),
              [this, stanza = request.stanza, requester = request.from, version] {
                answerRosterGet(stanza, requester, version);
              });
  return api::HandlerResult::Handled;
}

void RosterService::answerRosterGet(const xml::Element& stanza, const xmpp::Jid& requester,
                                    std::optional<std::string> clientVersion) {
  const xmpp::Jid owner = requester.bare();
  auto version = store().version(owner.local(), owner.domain());
  if (!version) {
    replyFailure(host_, stanza, requester, version.error(), "reading the roster version");
    return;
  }
  // §2.6.3: the client's copy is current: an empty result, changes (none) come as pushes.
  if (clientVersion && *clientVersion == std::to_string(*version)) {
    reply(host_, stanza, requester, std::nullopt);
    return;
  }
  auto items = store().items(owner.local(), owner.domain());
  if (!items) {
    replyFailure(host_, stanza, requester, items.error(), "reading the roster");
    return;
  }
  // Without history, any other version gets the whole roster (§2.6.3 allows it).
  xml::Element query = rosterQuery(*version);
  for (const storage::RosterItem& item : *items) query.addChild(itemElement(item));
  reply(host_, stanza, requester, std::move(query));
}

api::HandlerResult RosterService::handleRosterSet(const api::IqRequest& request) {
  if (request.to != request.from.bare()) {
    host_.replyError(request, StanzaError::of(StanzaErrorCondition::Forbidden));
    return api::HandlerResult::Handled;
  }
  auto set = parseRosterSet(request.payload, request.from, limits_);
  if (!set) {
    host_.replyError(request, set.error());
    return api::HandlerResult::Handled;
  }
  queue_.post(request.from.bareString(),
              [this, stanza = request.stanza, requester = request.from, set = std::move(*set)] {
                if (set.remove) {
                  removeItem(stanza, requester, set.contact);
                } else {
                  applyRosterSet(stanza, requester, set);
                }
              });
  return api::HandlerResult::Handled;
}

void RosterService::applyRosterSet(const xml::Element& stanza, const xmpp::Jid& requester,
                                   RosterSet set) {
  const xmpp::Jid owner = requester.bare();
  auto existing = store().item(owner.local(), owner.domain(), set.contact.toString());
  if (!existing) {
    replyFailure(host_, stanza, requester, existing.error(), "reading an item");
    return;
  }
  if (!*existing) {
    auto count = store().itemCount(owner.local(), owner.domain());
    if (!count) {
      replyFailure(host_, stanza, requester, count.error(), "counting the items");
      return;
    }
    if (static_cast<std::size_t>(*count) >= limits_.maxItems) {
      replyError(host_, stanza, requester, StanzaErrorCondition::PolicyViolation,
                 "The roster is full (" + std::to_string(limits_.maxItems) + " items).");
      return;
    }
  }
  // §2.3.2 / §2.4: the client changes only the name and groups; the subscription state is the
  // server's.
  storage::RosterItem item = existing->value_or(storage::RosterItem{});
  item.contact = set.contact.toString();
  item.name = std::move(set.name);
  item.groups = std::move(set.groups);
  auto version = store().putItem(owner.local(), owner.domain(), item);
  if (!version) {
    replyFailure(host_, stanza, requester, version.error(), "writing an item");
    return;
  }
  reply(host_, stanza, requester, std::nullopt);
  pushItem(owner, itemElement(item), *version);
}

void RosterService::removeItem(const xml::Element& stanza, const xmpp::Jid& requester,
                               const xmpp::Jid& contact) {
  const xmpp::Jid owner = requester.bare();
  auto existing = store().item(owner.local(), owner.domain(), contact.toString());
  auto pending = store().pendingSubscription(owner.local(), owner.domain(), contact.toString());
  if (!existing || !pending) {
    replyFailure(host_, stanza, requester, !existing ? existing.error() : pending.error(),
                 "reading the item " + contact.toString());
    return;
  }
  // §2.5.3: removing an item that is not there.
  if (!*existing && !*pending) {
    replyError(host_, stanza, requester, StanzaErrorCondition::ItemNotFound);
    return;
  }
  const SubscriptionState state = stateOf(*existing, pending->has_value());
  if (*pending)
    store().removePendingSubscription(owner.local(), owner.domain(), contact.toString());
  std::optional<std::int64_t> version;
  if (*existing) {
    auto removed = store().removeItem(owner.local(), owner.domain(), contact.toString());
    if (!removed) {
      replyFailure(host_, stanza, requester, removed.error(), "removing an item");
      return;
    }
    version = *removed;
  }
  reply(host_, stanza, requester, std::nullopt);
  if (version) pushItem(owner, removedItemElement(contact.toString()), *version);
  // §2.5.2: the contact learns that both directions ended: unsubscribe cancels 'to' (and a
  // pending request), unsubscribed cancels 'from' (and denies a pending request).
  auto subscriptionStanza = [&](std::string_view type) {
    xml::Element presence("presence", ns::kClient);
    presence.setAttribute("from", owner.toString());
    presence.setAttribute("to", contact.toString());
    presence.setAttribute("type", std::string(type));
    host_.send(std::move(presence));
  };
  if (state.to || state.pendingOut) subscriptionStanza("unsubscribe");
  if (state.from || state.pendingIn) subscriptionStanza("unsubscribed");
  if (state.from) sendUnavailablePresence(owner, contact);
}

void RosterService::pushItem(const xmpp::Jid& owner, const xml::Element& item,
                             std::int64_t version) {
  for (const xmpp::Jid& resource : registry_.interestedResources(owner)) {
    // §2.1.6: a push is an IQ set from the account (its bare JID) to each interested resource.
    xml::Element push("iq", ns::kClient);
    push.setAttribute("type", "set");
    push.setAttribute("id", "roster-push-" + std::to_string(nextPushId_.fetch_add(1)));
    push.setAttribute("from", owner.toString());
    push.setAttribute("to", resource.toString());
    push.addChild(rosterQuery(version)).addChild(item);
    host_.send(std::move(push));
  }
}

}  // namespace kontalk::modules::roster
