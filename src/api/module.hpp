#pragma once
// The module API (ARCHITECTURE.md §4): the only part of the server a feature module sees.
// A module registers handlers with the ModuleHost in start(); the host owns the dispatch.
//
// Threading: start() runs once, on the main thread, before any connection is accepted. Handlers
// run on whichever shard received the stanza, concurrently with each other: a module's state that
// handlers share must be immutable after start() or synchronised by the module.

#include <functional>
#include <optional>
#include <vector>
#include <memory>
#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::api {

enum class HandlerResult { Handled, Continue };

enum class IqType { Get, Set };

// Whom an IQ is addressed to, as the router sees it (RFC 6121 §8.5): the server's own domain, or
// a local account's bare JID (or no 'to' at all, which means the sender's own account, RFC 6120
// §10.3.3). IQs to a full JID go to that session and never reach a module handler.
enum class IqScope { Server, Account };

// An IQ request with its addressing already validated: `from` is the sender's full JID as
// stamped by the server, `to` the (bare) JID the request is addressed to.
struct IqRequest {
  const xml::Element& stanza;
  const xml::Element& payload;  // the single child element that selected the handler
  xmpp::Jid from;
  xmpp::Jid to;
};

using IqHandler = std::function<HandlerResult(const IqRequest&)>;

// An identity in disco#info (XEP-0030 §3.1).
struct DiscoIdentity {
  std::string category;
  std::string type;
  std::string name;
};

class ModuleHost {
 public:
  virtual ~ModuleHost() = default;

  virtual const std::string& domain() const = 0;
  // The value of [modules.<module>].<key> when configured, otherwise `fallback`.
  virtual std::string configString(std::string_view module, std::string_view key,
                                   std::string_view fallback) const = 0;

  // Registers the handler for IQs of `type` whose payload is in `xmlns`, addressed per `scope`.
  // One handler per (scope, namespace, type); a second registration is a start-up error.
  virtual void handleIq(IqScope scope, std::string xmlns, IqType type, IqHandler handler) = 0;

  // Disco#info contents (XEP-0030), served by the disco module.
  virtual void addDiscoFeature(IqScope scope, std::string var) = 0;
  virtual void addDiscoIdentity(IqScope scope, DiscoIdentity identity) = 0;
  virtual std::vector<std::string> discoFeatures(IqScope scope) const = 0;  // sorted, unique
  virtual std::vector<DiscoIdentity> discoIdentities(IqScope scope) const = 0;

  // Sends a stanza through the router. 'from' must be set (the server's domain or an account JID).
  // Thread-safe.
  virtual void send(xml::Element stanza) = 0;

  // Conveniences over send() for answering an IQ request.
  void replyResult(const IqRequest& request, std::optional<xml::Element> payload = std::nullopt);
  void replyError(const IqRequest& request, const xmpp::StanzaError& error);
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;
  virtual void start(ModuleHost& host) = 0;
};

}  // namespace kontalk::api
