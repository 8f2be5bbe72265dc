#pragma once
// What the roster module remembers about each bound session (RFC 6121 §2-4): its last
// broadcast available presence (to answer probes, §4.3.2, and to send on new subscriptions,
// §3.1.5), whether it requested the roster ("interested resource", §2.1.6), and the JIDs it sent
// directed presence to (which must learn when it goes offline, §4.6.3).
//
// Threading: every method may be called from any thread (one mutex, held briefly); shards and
// workers call it concurrently.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::roster {

class PresenceRegistry {
 public:
  // Bounds the directed-presence targets remembered per session; further targets are still
  // sent their presence but not told about the session's end.
  explicit PresenceRegistry(std::size_t maxDirectedPerSession)
      : maxDirectedPerSession_(maxDirectedPerSession) {}

  void addSession(const xmpp::Jid& fullJid);
  // Forgets the session; returns the directed-presence targets it had.
  std::vector<std::string> removeSession(const xmpp::Jid& fullJid);

  void setInterested(const xmpp::Jid& fullJid);
  void setAvailable(const xmpp::Jid& fullJid, xml::Element presence);
  void setUnavailable(const xmpp::Jid& fullJid);

  void addDirectedTarget(const xmpp::Jid& fullJid, const std::string& target);
  void removeDirectedTarget(const xmpp::Jid& fullJid, const std::string& target);
  std::vector<std::string> takeDirectedTargets(const xmpp::Jid& fullJid);

  // The last available presence of each available resource of `bareJid`, by full JID.
  std::vector<std::pair<xmpp::Jid, xml::Element>> availablePresences(
      const xmpp::Jid& bareJid) const;
  bool hasAvailableResource(const xmpp::Jid& bareJid) const;
  // Resources of `bareJid` that requested the roster (roster pushes, §2.1.6).
  std::vector<xmpp::Jid> interestedResources(const xmpp::Jid& bareJid) const;
  // Those of them that are also available (inbound subscription stanzas, §3.1.3).
  std::vector<xmpp::Jid> interestedAvailableResources(const xmpp::Jid& bareJid) const;

 private:
  struct SessionState {
    std::optional<xml::Element> available;
    bool interested = false;
    std::set<std::string> directedTargets;
  };
  using Resources = std::map<std::string, SessionState>;  // by resource

  SessionState* find(const xmpp::Jid& fullJid);

  std::size_t maxDirectedPerSession_;
  mutable std::mutex mutex_;
  std::map<std::string, Resources> byBareJid_;
};

}  // namespace kontalk::modules::roster
