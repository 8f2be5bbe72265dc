#pragma once
// Where the router hands stanzas for other domains (RFC 6120 §10.4.2, spec §7.2): the s2s layer
// implements it. Without one, such stanzas bounce with <remote-server-not-found/>.
// Threading: send() is called from any shard, concurrently.

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::router {

class RemoteRoute {
 public:
  virtual ~RemoteRoute() = default;
  // `stanza` has a valid 'from' and a 'to' whose domain is not served here (`to`, parsed).
  virtual void send(xml::Element stanza, const xmpp::Jid& from, const xmpp::Jid& to) = 0;
};

}  // namespace kontalk::router
