#pragma once
// Roster items on the wire (RFC 6121 §2.1.2) and their validation: the XML of items in results
// and pushes, the parsing of a roster set with the configured limits (§2.3.3), and the mapping
// between a stored item and the subscription state machine.
// Threading: pure functions over values; any thread.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "modules/roster/subscription_state.hpp"
#include "storage/roster_store.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::roster {

// [modules.roster] limits; every client-controlled size is bounded.
struct RosterLimits {
  std::size_t maxItems = 1000;
  std::size_t maxNameBytes = 256;
  std::size_t maxGroups = 16;
  std::size_t maxGroupBytes = 256;
};

// A validated <iq type='set'><query xmlns='jabber:iq:roster'><item/></query></iq>.
struct RosterSet {
  xmpp::Jid contact;  // bare
  bool remove = false;
  std::string name;
  std::vector<std::string> groups;
};

// Validates the query of a roster set from `owner` (§2.3.3): exactly one item, a valid bare JID
// other than the owner's, name and groups within the limits, no empty or duplicate group.
tl::expected<RosterSet, xmpp::StanzaError> parseRosterSet(const xml::Element& query,
                                                          const xmpp::Jid& owner,
                                                          const RosterLimits& limits);

// <item jid name subscription [ask] [approved]><group/>...</item> (§2.1.2).
xml::Element itemElement(const storage::RosterItem& item);
// <item jid subscription='remove'/> for the push that announces a removal (§2.5.2).
xml::Element removedItemElement(const std::string& contact);

SubscriptionState stateOf(const std::optional<storage::RosterItem>& item, bool pendingIn);
// Copies the roster-visible part of `state` (not pendingIn, which is not a roster attribute).
void applyState(storage::RosterItem& item, const SubscriptionState& state);
// Whether the state shows in the roster at all: an item that only ever had "pending in" is not
// added to the user's roster (§3.1.3 keeps that state beside the roster).
bool isVisible(const SubscriptionState& state);

}  // namespace kontalk::modules::roster
