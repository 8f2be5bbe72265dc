#pragma once
// An api::ModuleHost for module unit tests: it hosts one module, records everything the module
// registers, sends and replies, and lets the test play the router (deliver an IQ, run a stanza
// hook point, fire a session event) without shards, sockets or other modules.
//
//   FakeModuleHost host;
//   auto module = FakeModuleHost::create("ping");   // through api::ModuleRegistry
//   host.start(*module);
//   host.deliverIq(api::IqScope::Server, FakeModuleHost::iq("get", "alice@example.org/phone",
//                                                            "example.org", ping));
//   host.runPendingWork();
//   auto replies = host.takeSent();
//
// Blocking work is queued, not run inline: runBlocking() only appends to a queue that the test
// drains with runPendingWork(). In the server the work also runs later, on a worker, after the
// handler returned and the request is gone; inline work would hide a module that keeps a
// reference to the request instead of an api::KeptIqRequest. Here deliverIq() destroys its copy
// of the request before it returns, so such a module reads freed memory as it would in the
// server (a sanitizer build reports it). A test also sees the state between the handler and its
// work (e.g. that nothing was answered before the storage look-up).
//
// The contract of api/module_host.hpp is enforced where the fake can see it: registration only
// until start() returned, storage() and accounts() only inside blocking work or a Preparing
// handler (std::logic_error otherwise). Tests set up data with database().
//
// Storage is a real, migrated SQLite file in a temporary directory (created on first use), and
// accounts() is the server's own AccountDirectory over it.
//
// Threading: everything on the test's thread; the fake is not thread-safe.

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <typeindex>
#include <utility>
#include <vector>

#include "api/module.hpp"
#include "api/module_host.hpp"
#include "config/value.hpp"
#include "pgp/server_key.hpp"
#include "storage/storage.hpp"
#include "storage/temporary_directory.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api::testing {

// A bound session as modules see it; the test sets its presence.
class FakeSession final : public Session {
 public:
  explicit FakeSession(std::string_view fullJid, bool available = true, int priority = 0);

  const xmpp::Jid& jid() const override { return jid_; }
  bool isAvailable() const override { return available_; }
  int priority() const override { return priority_; }
  const ClientInfo& client() const override { return client_; }
  bool isDetached() const override { return detached_; }
  std::chrono::steady_clock::time_point lastActivity() const override { return lastActivity_; }
  void setPresence(bool available, int priority = 0) {
    available_ = available;
    priority_ = priority;
  }

 private:
  xmpp::Jid jid_;
  bool available_;
  int priority_;
  ClientInfo client_;
  bool detached_ = false;  // fake sessions are attached and just active
  std::chrono::steady_clock::time_point lastActivity_ = std::chrono::steady_clock::now();
};

// An OpenPGP secret key file for a pgp::ServerKey, made quickly (RSA 1024: tests only; the real
// server key is RSA 3072, whose generation takes seconds). Returns the file's path.
std::filesystem::path writeTestServerKey(const std::filesystem::path& directory,
                                         const std::string& domain);

class FakeModuleHost final : public ModuleHost {
 public:
  using IqKey = std::tuple<IqScope, std::string, IqType>;
  struct Interval {
    std::chrono::seconds every;
    std::function<void()> task;
  };
  struct Recorded {
    xml::Element message;
    JournalId id;
  };
  struct Held {
    xmpp::Jid session;
    xml::Element stanza;
  };

  explicit FakeModuleHost(std::string domain = "example.org", std::string moduleName = "test");
  ~FakeModuleHost() override;

  // The module `name` as the server creates it: from its registered descriptor, with the
  // [modules.<name>] table in `toml` ("" for none), e.g. "os = \"Linux\"". Throws when no such
  // module is registered (the test executable must link its object library) or the options are
  // bad (config::ConfigError, as at server start).
  static std::unique_ptr<Module> create(const std::string& name, const std::string& toml = "");
  // An IQ stanza of `type` with one payload; 'from' / 'to' are left out when empty.
  static xml::Element iq(std::string_view type, std::string_view from, std::string_view to,
                         xml::Element payload, std::string_view id = "q1");

  // Runs module.start(*this), then closes registration as the server does.
  void start(Module& module);

  // ---- playing the router ------------------------------------------------------------------
  // Hands `stanza` to the handler registered for (scope, its payload's namespace, its type), as
  // the router does: 'from' and 'to' from the stanza (Service scope: 'to' as given; no 'to' at
  // Account scope: the sender's account; Server scope: the domain); Unauthenticated requests
  // have no 'from' and answer on their stream (streamReplies()). nullopt when no handler is
  // registered. The request lives only during this call.
  std::optional<HandlerResult> deliverIq(IqScope scope, const xml::Element& stanza);
  // Runs the handlers of `point` in order, as router::ExtensionPoints does (the first Handled
  // stops), with 'from' and 'to' from the stanza's attributes and `acknowledgement` as the
  // stanza's source (api/acknowledgement_gate.hpp).
  HandlerResult runHooks(StanzaHook point, xml::Element& stanza, const Session* session = nullptr,
                         JournalId journalId = 0, AcknowledgementSource acknowledgement = {});
  // Runs the handlers of `event`, in registration order. Preparing handlers run as worker code.
  void notify(SessionEvent event, const Session& session);
  // Hands a nonza to its handler; false when none is registered.
  bool deliverStreamElement(const Session& session, const xml::Element& element);
  // Runs every periodic task once.
  void runIntervals();
  // Runs queued blocking work, including work queued by that work, until none is left;
  // returns how many jobs ran.
  std::size_t runPendingWork();
  std::size_t pendingWork() const { return work_.size(); }
  // The kind of every job ever queued, oldest first.
  const std::vector<WorkKind>& workKinds() const { return workKinds_; }

  // Plays the answers to the module's sendIq() requests: `response` (a result or error) goes to
  // the request it answers by (to, id) and 'from', as the router matches it; false when none
  // waits for it. expireIqs() runs every waiting request's deadline (remote-server-timeout).
  bool answerIq(const xml::Element& response);
  void expireIqs();
  // The requests sendIq() sent that wait for an answer, oldest first.
  std::vector<xml::Element> waitingIqs() const;
  // The timeouts sendIq() was given, in order.
  const std::vector<std::chrono::milliseconds>& iqTimeouts() const { return iqTimeouts_; }

  // A service of another module the tested module looks up (ModuleHost::service), e.g. a fake
  // api::NetworkDirectory. Before start().
  template <typename Service>
  void addService(Service& service) {
    provideService(typeid(Service), &service);
  }

  // What sessionsOf() answers: add and remove bound sessions.
  void addSession(std::shared_ptr<const Session> session);
  void removeSession(const xmpp::Jid& fullJid);

  // ---- what the module registered ----------------------------------------------------------
  bool registrationOpen() const { return registering_; }
  std::vector<IqKey> iqHandlers() const;
  // Orders of the handlers at `point`, ascending.
  std::vector<int> hookOrders(StanzaHook point) const;
  std::size_t sessionHandlers(SessionEvent event) const;
  std::vector<std::pair<std::string, std::string>> streamElements() const;
  std::size_t keyChangeHandlers() const { return keyChanges_.size(); }
  const std::vector<Interval>& intervals() const { return intervals_; }
  std::vector<xml::Element> streamFeatures(FeatureStage stage) const;
  bool hasService(std::type_index type) const { return services_.contains(type); }

  // ---- what the module did -----------------------------------------------------------------
  // Stanzas sent (send(), and the replies to requests that are not Unauthenticated), oldest
  // first; take* empties the list.
  const std::vector<xml::Element>& sent() const { return sent_; }
  std::vector<xml::Element> takeSent();
  const std::vector<Recorded>& sentRecorded() const { return recorded_; }
  std::vector<Recorded> takeRecorded();
  const std::vector<Held>& heldDelivered() const { return held_; }
  const std::vector<xml::Element>& deliveredToResources() const { return toResources_; }
  const std::vector<KeyChange>& keyChangesAnnounced() const { return announced_; }
  // Replies to Unauthenticated requests, on their stream.
  const std::vector<xml::Element>& streamReplies() const { return *streamReplies_; }

  // ---- test set-up -------------------------------------------------------------------------
  // The storage for the test's own set-up and checks, without the worker-only rule.
  storage::Storage& database();

  // ---- api::ModuleHost ---------------------------------------------------------------------
  const std::string& moduleName() const override { return moduleName_; }
  const std::string& domain() const override { return domain_; }
  // The temporary directory (the SQLite file and the test server key live there too).
  const std::filesystem::path& dataDirectory() const override { return directory_.path(); }
  const std::string& httpBaseUrl() const override { return httpBaseUrl_; }
  storage::Storage& storage() override;
  AccountDirectory& accounts() override;
  // Generated on first use (writeTestServerKey).
  const pgp::ServerKey& serverKey() const override;

  void onIq(IqScope scope, std::string xmlns, IqType type, IqHandler handler) override;
  void onStanza(StanzaHook point, int order, StanzaHandler handler) override;
  void onSession(SessionEvent event, SessionHandler handler) override;
  void onStreamElement(std::string xmlns, std::string name, StreamElementHandler handler) override;
  void onKeyChange(KeyChangeHandler handler) override;
  void onInterval(std::chrono::seconds interval, std::function<void()> task) override;
  void onHttp(std::string prefix, HttpHandler handler) override {
    httpRoutes_.emplace_back(std::move(prefix), std::move(handler));
  }
  void advertiseStreamFeature(FeatureStage stage, xml::Element feature) override;
  void advertiseDiscoFeature(IqScope scope, std::string var) override;
  void advertiseDiscoIdentity(IqScope scope, DiscoIdentity identity) override;
  void advertiseService(ServiceAddress service) override;

  // Records the request (sent() lists it too) until answerIq() or expireIqs().
  bool sendIq(xml::Element iq, std::chrono::milliseconds timeout,
              IqResponseHandler onResponse) override;
  void send(xml::Element stanza) override;
  // Like send(), and keeps `hold` until releaseSentHolds().
  void send(xml::Element stanza, AcknowledgementHold hold) override;
  void releaseSentHolds() { sentHolds_.clear(); }
  void sendRecorded(xml::Element message, JournalId id) override;
  void deliverHeld(const xmpp::Jid& session, xml::Element stanza) override;
  void deliverToResources(xml::Element presence) override;
  // Records the change and runs the registered handlers, as the server does.
  void announceKeyChange(const KeyChange& change) override;
  std::vector<std::shared_ptr<const Session>> sessionsOf(const xmpp::Jid& bareJid) const override;
  std::vector<std::string> discoFeatures(IqScope scope) const override;
  std::vector<DiscoIdentity> discoIdentities(IqScope scope) const override;
  std::vector<ServiceAddress> serviceAddresses() const override { return serviceAddresses_; }
  void runBlocking(std::function<void()> work, WorkKind kind) override;

 protected:
  void provideService(std::type_index type, void* service) override;
  void* findService(std::type_index type) const override;

 private:
  struct OrderedHook {
    int order;
    StanzaHandler handler;
  };
  void checkRegistering(std::string_view what) const;
  void checkOnWorker(std::string_view what) const;

  std::string domain_;
  std::string moduleName_;
  storage::testing::TemporaryDirectory directory_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<AccountDirectory> accounts_;
  mutable std::unique_ptr<pgp::ServerKey> serverKey_;
  bool registering_ = true;
  bool onWorker_ = false;

  std::map<IqKey, IqHandler> iq_;
  std::map<StanzaHook, std::vector<OrderedHook>> hooks_;
  std::map<SessionEvent, std::vector<SessionHandler>> sessionHandlers_;
  std::map<std::pair<std::string, std::string>, StreamElementHandler> streamElements_;
  std::vector<KeyChangeHandler> keyChanges_;
  std::vector<Interval> intervals_;
  std::map<FeatureStage, std::vector<xml::Element>> features_;
  std::map<IqScope, std::vector<std::string>> discoFeatures_;
  std::map<IqScope, std::vector<DiscoIdentity>> discoIdentities_;
  std::vector<ServiceAddress> serviceAddresses_;
  std::string httpBaseUrl_ = "https://localhost:5443";
  std::vector<std::pair<std::string, HttpHandler>> httpRoutes_;
  std::map<std::type_index, void*> services_;

  struct WaitingIq {
    xml::Element request;
    IqResponseHandler onResponse;
  };
  std::vector<WaitingIq> waitingIqs_;
  std::vector<std::chrono::milliseconds> iqTimeouts_;
  std::deque<std::function<void()>> work_;
  std::vector<WorkKind> workKinds_;  // of every job queued
  std::vector<std::shared_ptr<const Session>> sessions_;
  std::vector<xml::Element> sent_;
  std::vector<AcknowledgementHold> sentHolds_;
  std::vector<Recorded> recorded_;
  std::vector<Held> held_;
  std::vector<xml::Element> toResources_;
  std::vector<KeyChange> announced_;
  // Shared with the StreamReply of requests, which a module may keep beyond the host.
  std::shared_ptr<std::vector<xml::Element>> streamReplies_ =
      std::make_shared<std::vector<xml::Element>>();
};

}  // namespace kontalk::api::testing
