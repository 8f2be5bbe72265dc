#pragma once
// The roster and presence logic of RFC 6121 behind the roster module's hooks:
//  - roster get/set/remove with versioning and pushes (§2), in roster_iq.cpp;
//  - the subscription state machine applied to outbound and inbound subscription stanzas,
//    pre-approval and stored inbound requests (§3), in subscriptions.cpp;
//  - presence broadcast to contacts, probes, directed presence, unavailable on disconnect and
//    the last unavailable presence (§4), in presence.cpp.
//
// Threading: the handle* methods run on shards and never block; everything that reads or
// writes storage is posted to the owning account's OrderedWork queue (one account's roster changes
// in order, one at a time) and sends its results with host.send().
//
// Hook order: this module hooks FromClient and ToAccount at order 100 (kHookOrder). A module
// that decorates presence the roster module broadcasts or routes (e.g. the Kontalk <pubkey/> on
// presence and subscription requests, spec §5) hooks FromClient with a lower order and returns
// Continue: the stanza it modified is the one copied here.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "api/module.hpp"
#include "api/ordered_work.hpp"
#include "api/roster_queries.hpp"
#include "modules/roster/presence_registry.hpp"
#include "modules/roster/roster_items.hpp"
#include "modules/roster/subscription_state.hpp"
#include "storage/roster_store.hpp"

namespace kontalk::modules::roster {

inline constexpr int kHookOrder = 100;

class RosterService final : public api::RosterQueries {
 public:
  RosterService(api::ModuleHost& host, RosterLimits limits, std::size_t maxDirectedPerSession);

  api::HandlerResult handleFromClient(api::StanzaEvent& event);
  api::HandlerResult handleToAccount(api::StanzaEvent& event);
  api::HandlerResult handleRosterGet(const api::IqRequest& request);
  api::HandlerResult handleRosterSet(const api::IqRequest& request);
  void handleSessionBound(const api::Session& session);
  void handleSessionClosed(const api::Session& session);

  // api::RosterQueries, for other modules (blocks on storage).
  Result<bool> seesPresenceOf(const xmpp::Jid& contact, const xmpp::Jid& account) override;

 private:
  // roster_iq.cpp
  void answerRosterGet(const xml::Element& stanza, const xmpp::Jid& requester,
                       std::optional<std::string> clientVersion);
  void applyRosterSet(const xml::Element& stanza, const xmpp::Jid& requester, RosterSet set);
  void removeItem(const xml::Element& stanza, const xmpp::Jid& requester, const xmpp::Jid& contact);
  // Sends the item to every interested resource of `owner` (§2.1.6) with the new version.
  void pushItem(const xmpp::Jid& owner, const xml::Element& item, std::int64_t version);

  // subscriptions.cpp
  // `hold`: the sender's acknowledgement, held until the forwarded stanza reached the router.
  void processOutbound(const xmpp::Jid& sender, const xmpp::Jid& contact, SubscriptionStanza kind,
                       xml::Element stanza, api::AcknowledgementHold hold);
  void processInbound(const xmpp::Jid& owner, const xmpp::Jid& contact, SubscriptionStanza kind,
                      xml::Element stanza);
  // What is stored of (owner, contact): the roster item, if any, and the subscription state.
  struct Relationship {
    std::optional<storage::RosterItem> item;
    SubscriptionState state;
  };
  // Nothing when storage failed (logged).
  std::optional<Relationship> readRelationship(const xmpp::Jid& owner, const xmpp::Jid& contact);
  // Stores the new state of (owner, contact) and pushes a visible change; false on a storage
  // failure (logged). `item` is the stored item, if any.
  bool commitState(const xmpp::Jid& owner, const xmpp::Jid& contact,
                   std::optional<storage::RosterItem> item, const SubscriptionState& before,
                   const SubscriptionState& after, const xml::Element* request);
  void deliverToInterested(const xmpp::Jid& owner, const xml::Element& stanza);
  void deliverPendingRequests(const xmpp::Jid& resource);

  // presence.cpp
  void broadcastAvailable(const xmpp::Jid& resource, xml::Element presence, bool initial);
  void broadcastUnavailable(const xmpp::Jid& resource, xml::Element presence,
                            std::vector<std::string> directedTargets, bool toContacts);
  void answerProbe(const xmpp::Jid& owner, const xmpp::Jid& prober);
  // The owner's available resources' presence / unavailable presence, to one contact.
  void sendCurrentPresence(const xmpp::Jid& owner, const xmpp::Jid& contact);
  void sendUnavailablePresence(const xmpp::Jid& owner, const xmpp::Jid& contact);

  storage::RosterStore& store();

  api::ModuleHost& host_;
  RosterLimits limits_;
  PresenceRegistry registry_;
  api::OrderedWork queue_;
  std::atomic<std::uint64_t> nextPushId_{1};
};

}  // namespace kontalk::modules::roster
