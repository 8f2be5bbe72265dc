// Presence between contacts (RFC 6121 §4): broadcast to subscribers, probes and their answers,
// unavailable presence to subscribers and directed-presence targets, and the last unavailable
// presence kept for probes while the account is offline.
#include <chrono>
#include <set>

#include <spdlog/spdlog.h>

#include "modules/roster/roster_service.hpp"
#include "storage/storage.hpp"
#include "xml/element_text.hpp"
#include "xml/serializer.hpp"
#include "xmpp/datetime.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {

namespace {

xml::Element addressed(xml::Element presence, const xmpp::Jid& from, const xmpp::Jid& to) {
  presence.setAttribute("from", from.toString());
  presence.setAttribute("to", to.toString());
  return presence;
}

}  // namespace

void RosterService::broadcastAvailable(const xmpp::Jid& resource, xml::Element presence,
                                       bool initial) {
  const xmpp::Jid owner = resource.bare();
  auto items = store().items(owner.local(), owner.domain());
  if (!items) {
    spdlog::error("roster: reading the roster of {}: {}", owner.toString(), items.error().message);
    return;
  }
  // §4.2.2 / §4.4.2: every contact subscribed to the user's presence gets it.
  for (const storage::RosterItem& item : *items) {
    if (!item.subscriptionFrom) continue;
    if (auto contact = xmpp::Jid::parse(item.contact)) {
      host_.send(addressed(presence, resource, *contact));
    }
  }
  if (!initial) return;
  // §4.2.2: on initial presence the server probes the contacts the user is subscribed to, from
  // the new resource, so that the answers reach that resource (§4.3.2).
  for (const storage::RosterItem& item : *items) {
    if (!item.subscriptionTo) continue;
    if (auto contact = xmpp::Jid::parse(item.contact)) {
      xml::Element probe("presence", ns::kClient);
      probe.setAttribute("type", "probe");
      host_.send(addressed(std::move(probe), resource, *contact));
    }
  }
  // §3.1.3: requests that arrived while the user was offline.
  deliverPendingRequests(resource);
}

void RosterService::broadcastUnavailable(const xmpp::Jid& resource, xml::Element presence,
                                         std::vector<std::string> directedTargets,
                                         bool toContacts) {
  const xmpp::Jid owner = resource.bare();
  std::set<std::string> notified;
  if (toContacts) {
    auto items = store().items(owner.local(), owner.domain());
    if (!items) {
      spdlog::error("roster: reading the roster of {}: {}", owner.toString(),
                    items.error().message);
    } else {
      for (const storage::RosterItem& item : *items) {
        if (!item.subscriptionFrom) continue;
        if (auto contact = xmpp::Jid::parse(item.contact)) {
          host_.send(addressed(presence, resource, *contact));
          notified.insert(item.contact);
        }
      }
    }
  }
  // §4.6.3: directed-presence targets that are not subscribers learn of it too.
  for (const std::string& target : directedTargets) {
    if (notified.contains(target)) continue;
    if (auto jid = xmpp::Jid::parse(target)) host_.send(addressed(presence, resource, *jid));
  }
  if (!toContacts || registry_.hasAvailableResource(owner)) return;
  // The account's last available resource left: keep its presence for probes (§4.3.2).
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  presence.removeAttribute("to");
  if (auto stored = store().setLastPresence(
          owner.local(), owner.domain(),
          storage::LastPresence{xml::serialize(presence, ns::kClient), now});
      !stored) {
    spdlog::error("roster: storing the last presence of {}: {}", owner.toString(),
                  stored.error().message);
  }
}

void RosterService::answerProbe(const xmpp::Jid& owner, const xmpp::Jid& prober) {
  auto item = store().item(owner.local(), owner.domain(), prober.bareString());
  if (!item) {
    spdlog::error("roster: reading {}'s item: {}", owner.toString(), item.error().message);
    return;
  }
  // §4.3.2: presence is revealed only to contacts with a subscription from the account.
  if (!*item || !(*item)->subscriptionFrom) return;
  auto presences = registry_.availablePresences(owner);
  if (!presences.empty()) {
    for (auto& [resource, presence] : presences) {
      host_.send(addressed(std::move(presence), resource, prober));
    }
    return;
  }
  // No available resource: the last unavailable presence with its time (XEP-0203), or a bare
  // unavailable presence when the account was never online.
  auto last = store().lastPresence(owner.local(), owner.domain());
  std::optional<xml::Element> reply;
  if (last && *last) reply = xml::parseElement((*last)->stanza, ns::kClient);
  if (!reply || reply->name() != "presence") reply = xml::Element("presence", ns::kClient);
  reply->setAttribute("type", "unavailable");
  if (last && *last) {
    reply->removeChildren("delay", ns::kDelay);
    auto& delay = reply->addChild("delay", ns::kDelay);
    delay.setAttribute("from", host_.domain());
    delay.setAttribute("stamp", xmpp::formatDateTime(std::chrono::system_clock::time_point(
                                    std::chrono::seconds((*last)->at))));
  }
  host_.send(addressed(std::move(*reply), owner, prober));
}

void RosterService::sendCurrentPresence(const xmpp::Jid& owner, const xmpp::Jid& contact) {
  for (auto& [resource, presence] : registry_.availablePresences(owner)) {
    host_.send(addressed(std::move(presence), resource, contact));
  }
}

void RosterService::sendUnavailablePresence(const xmpp::Jid& owner, const xmpp::Jid& contact) {
  for (auto& entry : registry_.availablePresences(owner)) {
    xml::Element unavailable("presence", ns::kClient);
    unavailable.setAttribute("type", "unavailable");
    host_.send(addressed(std::move(unavailable), entry.first, contact));
  }
}

}  // namespace kontalk::modules::roster
