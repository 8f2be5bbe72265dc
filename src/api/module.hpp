#pragma once
// The module API (ARCHITECTURE.md §4): the only part of the server a feature module sees.
// A module registers handlers with the ModuleHost in start(); the host owns the dispatch.
//
// Threading: start() runs once, on the main thread, before any connection is accepted. Handlers
// run on whichever shard received the stanza, concurrently with each other: a module's state that
// handlers share must be immutable after start() or synchronised by the module.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/delivery_journal.hpp"
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

// The client end of a connection, as far as modules need it (registration throttles by address;
// Kontalk registration and key rollover read the TLS client certificate, spec §2, §4).
struct ClientInfo {
  std::string remoteAddress;   // "ip:port"
  std::string certificateDer;  // the TLS client certificate in DER, empty when none was presented
};

// Sends a stanza back on one particular stream. Thread-safe; does nothing once the stream ended.
using StreamReply = std::function<void(xml::Element)>;

// An IQ from a client that has not authenticated (RFC 6120 §6 leaves only registration,
// XEP-0077, to such clients). It has no 'from'; answers go through `reply`.
struct PreAuthIqRequest {
  const xml::Element& stanza;
  const xml::Element& payload;
  const ClientInfo& client;
  StreamReply reply;
};
using PreAuthIqHandler = std::function<HandlerResult(const PreAuthIqRequest&)>;

// A bound client session as modules see it.
class Session {
 public:
  virtual ~Session() = default;
  virtual const xmpp::Jid& jid() const = 0;  // full JID, fixed at bind
  // Whether the client has sent available presence (RFC 6121 §4.2) and its priority.
  virtual bool isAvailable() const = 0;
  virtual int priority() const = 0;
  virtual const ClientInfo& client() const = 0;
};

// Named points in a stanza's path (ARCHITECTURE.md §2) where modules act. Handlers of one point
// run in ascending `order`; the first that returns Handled consumes the stanza (it is neither
// routed nor delivered further).
enum class StanzaHook {
  // A bound client's stanza, validated and stamped with its full 'from', before routing. Runs
  // on the sender's shard; `session` is the sender.
  FromClient,
  // A message or presence addressed to a local account's bare JID (or, for messages, to a full
  // JID whose session is gone), before the router picks resources: the server acting on the
  // account's behalf (subscriptions, probes, blocking). `session` is null.
  ToAccount,
  // About to be handed to one session: the last chance to hold back or drop (CSI, blocking).
  // Runs on the shard that routes the stanza; `session` is the recipient.
  ToSession,
  // A message for a local account that no session accepted (RFC 6121 §8.5.2.2): offline storage.
  // `session` is null. When nobody handles it the router answers service-unavailable.
  Undeliverable,
};

struct StanzaEvent {
  xml::Element& stanza;  // may be modified by handlers that return Continue
  const xmpp::Jid& from;
  const xmpp::Jid& to;
  const Session* session;
  // At Undeliverable: the message's delivery-journal record when it already has one (it was on
  // its way to a session that ended), i.e. it is stored already. 0 otherwise.
  JournalId journalId = 0;
};
using StanzaHandler = std::function<HandlerResult(StanzaEvent&)>;

// Stream features (RFC 6120 §4.3.2) offered by modules, at the stage they apply to.
enum class FeatureStage {
  BeforeAuthentication,  // beside the SASL mechanisms (e.g. XEP-0077 registration)
  AfterAuthentication,   // beside resource binding (e.g. roster versioning, CSI)
};

// A top-level element other than a stanza that a bound client may send (a "nonza", e.g. CSI's
// <active/>). Runs on the session's shard.
using StreamElementHandler = std::function<void(const Session&, const xml::Element&)>;
using SessionHandler = std::function<void(const Session&)>;
// Blocking work for an account (its bare JID) that must be done before one of its sessions is
// bound and can send its first stanza.
using SessionPreparation = std::function<void(const xmpp::Jid& account)>;

// An account's OpenPGP key changed (registration, key rollover): modules that keep a copy of it
// follow at once (spec §5, §0: presence carries the current fingerprint).
struct KeyChange {
  xmpp::Jid account;  // bare JID
  std::string fingerprint;
  std::string keyBinary;  // the key block as stored, with the server's certification
};
using KeyChangeHandler = std::function<void(const KeyChange&)>;

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
  // The server's data directory ([server] data_dir): where modules keep their files.
  virtual const std::filesystem::path& dataDirectory() const = 0;
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

  // Registers the handler for IQs of unauthenticated clients with a payload in `xmlns`.
  virtual void handlePreAuthIq(std::string xmlns, IqType type, PreAuthIqHandler handler) = 0;

  virtual void hookStanza(StanzaHook hook, int order, StanzaHandler handler) = 0;
  // Session lifecycle: bound (before the client can send a stanza) and closed (after the router
  // forgot the session; its last presence state is still readable). Run on the session's shard.
  virtual void hookSessionBound(SessionHandler handler) = 0;
  virtual void hookSessionClosed(SessionHandler handler) = 0;
  // Registers blocking work (storage) run on a worker before a resource of the account is bound:
  // the bind answer, and so the client's first stanza, waits for it. For what stanza hooks need
  // at once and cannot load without blocking (the key a presence hook attaches, spec §0).
  virtual void prepareSessions(SessionPreparation work) = 0;
  // Key changes: announceKeyChange() calls every handler registered with hookKeyChange(), on the
  // announcing thread (handlers must be thread-safe and must not block).
  virtual void hookKeyChange(KeyChangeHandler handler) = 0;
  virtual void announceKeyChange(const KeyChange& change) = 0;
  virtual void handleStreamElement(std::string xmlns, std::string name,
                                   StreamElementHandler handler) = 0;
  virtual void addStreamFeature(FeatureStage stage, xml::Element feature) = 0;

  // Sends a stanza through the router. 'from' must be set (the server's domain or an account JID).
  // Thread-safe. Stanzas sent here pass the ToAccount/ToSession/Undeliverable hooks like any other.
  virtual void send(xml::Element stanza) = 0;
  // send() for a stored message that keeps its delivery-journal record `id` on the way: the
  // record goes when a session acknowledges the message.
  virtual void sendRecorded(xml::Element message, JournalId id) = 0;
  // Makes `journal` the server's delivery journal (at most one module does, during start()).
  virtual void provideDeliveryJournal(DeliveryJournal& journal) = 0;
  // Hands `stanza` as it is to the session bound to the full JID `session`, skipping the
  // ToSession hooks; dropped when no such session is bound. For stanzas a module's ToSession
  // hook held back and now releases (CSI), which the other hooks already saw. Thread-safe.
  virtual void deliverHeld(const xmpp::Jid& session, xml::Element stanza) = 0;
  // Delivers a presence addressed to a local account's bare JID to the account's available
  // resources (RFC 6121 §8.5.2.1.2) as the router would after the ToAccount hooks, ToSession
  // hooks included: for a ToAccount hook that held the presence back to keep it behind earlier
  // stanzas of the same sender. Thread-safe.
  virtual void deliverToResources(xml::Element presence) = 0;
  // The account's bound sessions as the router sees them now (each says whether it is
  // available). Thread-safe; the list is a snapshot.
  virtual std::vector<std::shared_ptr<const Session>> sessionsOf(
      const xmpp::Jid& bareJid) const = 0;

  // The server's storage. Its stores block: call them only from runBlocking() work.
  virtual storage::Storage& storage() = 0;
  // The server's OpenPGP key (spec §1): certifies users' keys (registration, key rollover).
  // Loaded before start(); immutable; its const methods are thread-safe, but signing is CPU
  // work: call certify() inside runBlocking().
  virtual const pgp::ServerKey& serverKey() const = 0;
  // Runs blocking work (storage, crypto) on the worker pool; it may call send() when done.
  virtual void runBlocking(std::function<void()> work) = 0;
  // Calls `task` every `interval` (on some shard) until the server stops: purges, expiries.
  virtual void every(std::chrono::seconds interval, std::function<void()> task) = 0;

  // Conveniences over send() for answering an IQ request.
  void replyResult(const IqRequest& request, std::optional<xml::Element> payload = std::nullopt);
  void replyError(const IqRequest& request, const xmpp::StanzaError& error);
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;
  virtual void start(ModuleHost& host) = 0;
  // Shutdown, after every session ended and no more work runs: flush what must not be lost.
  virtual void stop() {}
};

}  // namespace kontalk::api
