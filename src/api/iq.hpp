#pragma once
// IQ requests as modules receive them (RFC 6120 §8.2.3).
// Threading: IqHandlers run on a shard; an IqRequest refers to that shard's stanza and is valid
// only during the handler; a KeptIqRequest is a value that may be handed to a worker.

#include <functional>
#include <optional>

#include "api/session.hpp"
#include "api/stanza_hooks.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

enum class IqType { Get, Set };

// Whom an IQ is addressed to, as the router sees it (RFC 6121 §8.5).
enum class IqScope {
  Server,   // the server's own domain
  Account,  // a local account's bare JID, or no 'to' (the sender's own account, RFC 6120 §10.3.3)
  // A service hosted on a subdomain of the server (media.DOMAIN, api::ServiceAddress::subdomain).
  Service,
  // A client that has not authenticated: RFC 6120 §6 leaves it only registration (XEP-0077).
  // The request has no 'from'; answers go back on its stream (IqRequest::reply).
  Unauthenticated,
};

// An IQ request with its addressing validated: `from` is the sender's full JID as stamped by the
// server (empty for Unauthenticated), `to` the (bare) JID the request is addressed to (the
// server's domain for Unauthenticated). IQs to a full JID go to that session, never to a module.
struct IqRequest {
  const xml::Element& stanza;
  const xml::Element& payload;  // the single child element that selected the handler
  xmpp::Jid from;
  xmpp::Jid to;
  // Unauthenticated only: the client end, and the way back to its stream.
  const ClientInfo* client = nullptr;
  StreamReply reply = nullptr;
};

// A request kept beyond its handler, for the answer after blocking work: it owns copies of
// everything IqRequest refers to. Copyable; request() is valid while this object lives.
class KeptIqRequest {
 public:
  explicit KeptIqRequest(const IqRequest& request);
  IqRequest request() const;
  const xml::Element& stanza() const { return stanza_; }

 private:
  xml::Element stanza_;
  xmpp::Jid from_;
  xmpp::Jid to_;
  std::optional<ClientInfo> client_;
  StreamReply reply_;
};

// Runs on a shard. Handled: the module answers (now, or later from a worker); Continue: the
// router answers service-unavailable.
using IqHandler = std::function<HandlerResult(const IqRequest&)>;

}  // namespace kontalk::api
