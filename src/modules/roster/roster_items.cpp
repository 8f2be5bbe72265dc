#include "modules/roster/roster_items.hpp"

#include <algorithm>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {

namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

tl::unexpected<StanzaError> refuse(StanzaErrorCondition condition, std::string text) {
  return tl::unexpected(StanzaError::of(condition, std::move(text)));
}

std::string_view subscriptionValue(const storage::RosterItem& item) {
  if (item.subscriptionTo && item.subscriptionFrom) return "both";
  if (item.subscriptionTo) return "to";
  if (item.subscriptionFrom) return "from";
  return "none";
}

}  // namespace

tl::expected<RosterSet, StanzaError> parseRosterSet(const xml::Element& query,
                                                    const xmpp::Jid& owner,
                                                    const RosterLimits& limits) {
  const auto elements = query.childElements();
  const auto items = query.children("item", ns::kRoster);
  // §2.3.3: a roster set contains exactly one item.
  if (items.size() != 1 || elements.size() != 1) {
    return refuse(StanzaErrorCondition::BadRequest, "A roster set needs exactly one item.");
  }
  const xml::Element& item = *items.front();
  if (!item.hasAttribute("jid")) {
    return refuse(StanzaErrorCondition::BadRequest, "The item has no 'jid'.");
  }
  auto contact = xmpp::Jid::parse(item.attribute("jid"));
  if (!contact) return refuse(StanzaErrorCondition::JidMalformed, "The item's 'jid' is invalid.");
  if (!contact->isBare()) {
    return refuse(StanzaErrorCondition::BadRequest, "Roster items are bare JIDs.");
  }
  if (*contact == owner.bare()) {
    return refuse(StanzaErrorCondition::NotAllowed, "The roster cannot contain its owner.");
  }
  RosterSet result;
  result.contact = std::move(*contact);
  // §2.1.2.5: a client sets only 'remove'; other values (and 'ask', 'approved') are the
  // server's to decide and are ignored.
  if (item.attribute("subscription") == "remove") {
    result.remove = true;
    return result;
  }
  result.name = std::string(item.attribute("name"));
  if (result.name.size() > limits.maxNameBytes) {
    return refuse(StanzaErrorCondition::NotAcceptable, "The item's name is too long.");
  }
  for (const auto* node : item.childElements()) {
    if (!node->is("group", ns::kRoster)) continue;
    std::string group = node->text();
    // §2.3.3: an empty group name and one over the server's size limit are not acceptable;
    // the same group twice is a bad request.
    if (group.empty()) {
      return refuse(StanzaErrorCondition::NotAcceptable, "A group name is empty.");
    }
    if (group.size() > limits.maxGroupBytes) {
      return refuse(StanzaErrorCondition::NotAcceptable, "A group name is too long.");
    }
    if (std::find(result.groups.begin(), result.groups.end(), group) != result.groups.end()) {
      return refuse(StanzaErrorCondition::BadRequest, "The item names a group twice.");
    }
    if (result.groups.size() == limits.maxGroups) {
      return refuse(StanzaErrorCondition::NotAcceptable, "The item is in too many groups.");
    }
    result.groups.push_back(std::move(group));
  }
  return result;
}

xml::Element itemElement(const storage::RosterItem& item) {
  xml::Element element("item", ns::kRoster);
  element.setAttribute("jid", item.contact);
  if (!item.name.empty()) element.setAttribute("name", item.name);
  element.setAttribute("subscription", std::string(subscriptionValue(item)));
  if (item.askSubscribe) element.setAttribute("ask", "subscribe");
  // §3.4: 'approved' is shown only to clients of a server that offers pre-approval (we do).
  if (item.approved) element.setAttribute("approved", "true");
  for (const std::string& group : item.groups) {
    element.addChild("group", ns::kRoster).addText(group);
  }
  return element;
}

xml::Element removedItemElement(const std::string& contact) {
  xml::Element element("item", ns::kRoster);
  element.setAttribute("jid", contact);
  element.setAttribute("subscription", "remove");
  return element;
}

SubscriptionState stateOf(const std::optional<storage::RosterItem>& item, bool pendingIn) {
  SubscriptionState state;
  state.pendingIn = pendingIn;
  if (!item) return state;
  state.to = item->subscriptionTo;
  state.from = item->subscriptionFrom;
  state.pendingOut = item->askSubscribe;
  state.approved = item->approved;
  return state;
}

void applyState(storage::RosterItem& item, const SubscriptionState& state) {
  item.subscriptionTo = state.to;
  item.subscriptionFrom = state.from;
  item.askSubscribe = state.pendingOut;
  item.approved = state.approved;
}

bool isVisible(const SubscriptionState& state) {
  return state.to || state.from || state.pendingOut || state.approved;
}

}  // namespace kontalk::modules::roster
