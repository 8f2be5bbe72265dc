#pragma once
// The server as one module sees it (ARCHITECTURE.md §4): the only part of the server a module
// may use. Each module gets its own host; everything it registers is undone when it stops.
//
// Verbs: `onX` registers a handler for X and `advertiseX` declares something (only in
// Module::start(), on the main thread); everything else acts and may be called at any time.
//
// Threading:
//  - Handlers registered with onIq, onStanza, onStreamElement, onSession(Bound/Closed) and
//    onInterval run on a shard thread, never on a worker; handlers of one module may run on
//    several shards at once.
//  - onSession(Preparing) handlers and runBlocking work run on a worker thread and may block.
//  - send(), sendRecorded(), deliverHeld(), deliverToResources(), announceKeyChange(),
//    sessionsOf() and runBlocking() may be called from any thread: from a worker, routing is
//    posted to a shard (stanzas to one address keep their order), so hooks still run on shards.
//  - storage(), accounts() and services block: call them only from runBlocking work (or an
//    HTTP handler, which runs on a worker too: api/http_routes.hpp).
//  - sendIq() may be called from any thread; its callback runs on a shard thread.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "api/account_directory.hpp"
#include "api/account_events.hpp"
#include "api/acknowledgement_gate.hpp"
#include "api/delivery_journal.hpp"
#include "api/http_routes.hpp"
#include "api/iq.hpp"
#include "api/session.hpp"
#include "api/stanza_hooks.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::storage {
class Storage;
}
namespace kontalk::pgp {
class ServerKey;
}

namespace kontalk::api {

// What blocking work waits for. Each kind runs on its own bounded pool of threads, and logins
// have a pool of their own: a slow SMS gateway or a slow disk never freezes logins, and a flood of
// one kind cannot starve another (ARCHITECTURE.md §5).
enum class WorkKind {
  Storage,   // the database and local CPU work (PGP, hashing): milliseconds
  External,  // another service over the network (HTTP APIs, push providers): up to its timeout
};

// An identity in disco#info (XEP-0030 §3.1).
struct DiscoIdentity {
  std::string category;
  std::string type;
  std::string name;
};

// An item of a disco#items node (XEP-0030 §4.1).
struct DiscoItem {
  std::string jid;
  std::string node;  // empty: none
  std::string name;
};

// A node of the domain's disco#items (XEP-0030 §4.2) that a service brings: the legacy push
// providers under http://kontalk.org/extensions/presence#push (spec §8.3).
struct DiscoNode {
  std::string node;
  std::vector<DiscoItem> items;
};

// An address of the server's domain that a module serves instead of an account (probe@,
// multicast@, network@, push@DOMAIN: spec §7): listed in the domain's disco#items, with its own
// disco#info. IQs to it reach the module's IqScope::Account handlers (to.local() names it).
// With `subdomain` the address is the domain LOCALPART.DOMAIN instead (media.DOMAIN, spec §8.6),
// and IQs to it reach IqScope::Service handlers (to.domain() names it).
// Its ad-hoc commands (XEP-0050) are added to the adhoc module (api/adhoc_commands.hpp), which
// lists them in disco#items of its commands node.
struct ServiceAddress {
  std::string localpart;
  std::string name;  // disco#items name, e.g. "Kontalk probe engine"
  DiscoIdentity identity;
  std::vector<std::string> features;
  bool subdomain = false;
  // XEP-0128 extended information: data forms added to its disco#info.
  std::vector<xml::Element> forms;
  std::vector<DiscoNode> domainNodes;  // nodes of the domain's disco#items it answers for

  // Its JID as text: LOCALPART@DOMAIN, or LOCALPART.DOMAIN for a subdomain.
  std::string jid(std::string_view domain) const {
    return localpart + (subdomain ? "." : "@") + std::string(domain);
  }
};

class ModuleHost {
 public:
  virtual ~ModuleHost() = default;

  // ---- what the module is given ------------------------------------------------------------
  // The module's name (its descriptor's), for its log lines.
  virtual const std::string& moduleName() const = 0;
  virtual const std::string& domain() const = 0;
  // The server's data directory ([server] data_dir): where modules keep their files.
  virtual const std::filesystem::path& dataDirectory() const = 0;
  // Where the server's HTTP listener is reached by default: "https://DOMAIN:PORT" of the first
  // [http] listen address ("http://" with [http] tls = false); "" when HTTP is off.
  virtual const std::string& httpBaseUrl() const = 0;
  // The server's storage: a module uses the stores of its own concern (the roster module the
  // roster store, ...) and reaches other modules' data only through their services.
  virtual storage::Storage& storage() = 0;
  virtual AccountDirectory& accounts() = 0;
  // The server's OpenPGP key (spec §1): certifies users' keys. Immutable; its const methods are
  // thread-safe, but signing is CPU work: certify() inside runBlocking().
  virtual const pgp::ServerKey& serverKey() const = 0;

  // ---- registration (Module::start only) ---------------------------------------------------
  // One handler per (scope, namespace, type); a second registration is a start-up error.
  virtual void onIq(IqScope scope, std::string xmlns, IqType type, IqHandler handler) = 0;
  virtual void onStanza(StanzaHook point, int order, StanzaHandler handler) = 0;
  virtual void onSession(SessionEvent event, SessionHandler handler) = 0;
  // One handler per (namespace, element name).
  virtual void onStreamElement(std::string xmlns, std::string name,
                               StreamElementHandler handler) = 0;
  virtual void onKeyChange(KeyChangeHandler handler) = 0;
  // Serves the HTTP requests whose path is `prefix` or below it ("/upload": "/upload/a/b"), on
  // every [http] listener (api/http_routes.hpp). One module per prefix.
  virtual void onHttp(std::string prefix, HttpHandler handler) = 0;
  // Calls `task` every `interval` (on a shard) until the module stops: purges, expiries.
  virtual void onInterval(std::chrono::seconds interval, std::function<void()> task) = 0;
  virtual void advertiseStreamFeature(FeatureStage stage, xml::Element feature) = 0;
  // Disco#info contents (XEP-0030), served by the disco module.
  virtual void advertiseDiscoFeature(IqScope scope, std::string var) = 0;
  virtual void advertiseDiscoIdentity(IqScope scope, DiscoIdentity identity) = 0;
  virtual void advertiseService(ServiceAddress service) = 0;
  // Makes `service` available to other modules (and the server) as Service, an interface
  // declared in api/ (DeliveryJournal, RosterQueries, CertificateLogin). One provider each.
  template <typename Service>
  void provide(Service& service) {
    provideService(typeid(Service), &service);
  }

  // ---- acting ------------------------------------------------------------------------------
  // The provider of Service, or nullptr. Modules that need one list its module in their
  // `dependencies` and look it up in start(), when the provider has started.
  template <typename Service>
  Service* service() const {
    return static_cast<Service*>(findService(typeid(Service)));
  }
  // The answer to an IQ the module sent with sendIq(): the result or error stanza, or one the
  // server made up (remote-server-timeout at the deadline). Runs on a shard; must not block.
  using IqResponseHandler = std::function<void(const xml::Element& response)>;
  // Sends an IQ get/set (from and id set, 'from' a bare JID of the server's domain such as
  // probe@DOMAIN) and hands its answer to `onResponse`: a result or error from the addressee
  // with that id (also the router's own bounce, e.g. remote-server-not-found), else at `timeout`
  // an error <remote-server-timeout/> (type wait) made up by the server. Exactly one call,
  // unless refused: false, and no call, when the (from, id) pair is already waiting or too many
  // requests wait server-wide (a bounded table). Called on a shard, the callback may run before
  // sendIq returns (the router bounced the request at once): hold no lock across the call.
  virtual bool sendIq(xml::Element iq, std::chrono::milliseconds timeout,
                      IqResponseHandler onResponse) = 0;
  // Sends a stanza through the router. 'from' must be set (the server's domain or an account
  // JID). Stanzas sent here pass the ToAccount/ToSession/Undeliverable hooks like any other.
  virtual void send(xml::Element stanza) = 0;
  // send() for work that holds its source's acknowledgements (StanzaEvent::holdAcknowledgement):
  // `hold` ends only after the router took the stanza (recorded it for another server, or ran
  // the recipient's hooks, which may carry the hold on).
  virtual void send(xml::Element stanza, AcknowledgementHold hold) = 0;
  // send() for a stored message that keeps its delivery-journal record `id` on the way: the
  // record goes when a session acknowledges the message.
  virtual void sendRecorded(xml::Element message, JournalId id) = 0;
  // Hands `stanza` as it is to the session bound to the full JID `session`, skipping the
  // ToSession hooks; dropped when no such session is bound. For stanzas a module's ToSession
  // hook held back and now releases (CSI), which the other hooks already saw.
  virtual void deliverHeld(const xmpp::Jid& session, xml::Element stanza) = 0;
  // Delivers a presence addressed to a local account's bare JID to the account's available
  // resources (RFC 6121 §8.5.2.1.2) as the router would after the ToAccount hooks, ToSession
  // hooks included: for a ToAccount hook that held the presence back to keep it behind earlier
  // stanzas of the same sender. Always queued behind what was already sent for the account
  // (also by workers), never delivered inline.
  virtual void deliverToResources(xml::Element presence) = 0;
  virtual void announceKeyChange(const KeyChange& change) = 0;
  // The account's bound sessions as the router sees them now (a snapshot).
  virtual std::vector<std::shared_ptr<const Session>> sessionsOf(
      const xmpp::Jid& bareJid) const = 0;
  // What every module advertised (sorted, unique features), for the disco module.
  virtual std::vector<std::string> discoFeatures(IqScope scope) const = 0;
  virtual std::vector<DiscoIdentity> discoIdentities(IqScope scope) const = 0;
  virtual std::vector<ServiceAddress> serviceAddresses() const = 0;
  // Runs blocking work on the pool for its kind.
  virtual void runBlocking(std::function<void()> work, WorkKind kind = WorkKind::Storage) = 0;

  // Answers to an IQ request: on its stream for IqScope::Unauthenticated, else routed from the
  // addressee. Thread-safe (the request may be a copy kept for a worker).
  void replyResult(const IqRequest& request, std::optional<xml::Element> payload = std::nullopt);
  void replyError(const IqRequest& request, const xmpp::StanzaError& error);
  // The answer when the server itself failed `what` it was doing (storage, a provider): logged
  // with the status, answered with StanzaError::serverFailure (`wait` when transient).
  void replyFailure(const IqRequest& request, const Status& status, std::string_view what);

 protected:
  virtual void provideService(std::type_index type, void* service) = 0;
  virtual void* findService(std::type_index type) const = 0;
};

}  // namespace kontalk::api
