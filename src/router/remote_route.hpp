#pragma once
// Where the router hands stanzas for other domains (RFC 6120 §10.4.2, spec §7.2): the s2s layer
// implements it. Without one, such stanzas bounce with <remote-server-not-found/>.
// Threading: send() is called from any shard, concurrently.

#include "api/delivery_journal.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::router {

class RemoteRoute {
 public:
  virtual ~RemoteRoute() = default;
  // `stanza` has a valid 'from' and a 'to' whose domain is not served here (`to`, parsed).
  // `journalId` (0: none) is the delivery-journal record that keeps a message durable until the
  // other server acknowledged it (spec §7.9): the route settles it then, or releases it when the
  // link fails (the offline module's RemoteDelivery sends it again), never bounces it.
  virtual void send(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to,
                    api::JournalId journalId) = 0;
};

}  // namespace kontalk::router
