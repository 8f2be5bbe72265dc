// The fake module host (tests/unit/api/fake_module_host.hpp) keeps the promises of
// api/module_host.hpp that module tests rely on, and the API's helpers that need a host
// (api::KeptIqRequest, api::OrderedWork) work through it.

#include "api/fake_module_host.hpp"

#include <gtest/gtest.h>

#include "api/ordered_work.hpp"
#include "api/roster_queries.hpp"

namespace kontalk::api::testing {
namespace {

using namespace std::chrono_literals;

class NoRoster final : public RosterQueries {
 public:
  Result<bool> seesPresenceOf(const xmpp::Jid&, const xmpp::Jid&) override { return false; }
};

// Registers one thing of every kind; its hooks out of order.
class EverythingModule final : public Module {
 public:
  void start(ModuleHost& host) override {
    const auto handled = [](const IqRequest&) { return HandlerResult::Handled; };
    host.onIq(IqScope::Server, "urn:test", IqType::Get, handled);
    host.onIq(IqScope::Account, "urn:test", IqType::Set, handled);
    host.onStanza(StanzaHook::ToSession, 30, [this](StanzaEvent&) {
      hooks.push_back(30);
      return HandlerResult::Continue;
    });
    host.onStanza(StanzaHook::ToSession, 10, [this](StanzaEvent&) {
      hooks.push_back(10);
      return HandlerResult::Handled;
    });
    host.onStanza(StanzaHook::ToSession, 20, [this](StanzaEvent&) {
      hooks.push_back(20);
      return HandlerResult::Continue;
    });
    host.onSession(SessionEvent::Bound, [this](const Session& s) { bound.push_back(s.jid()); });
    host.onStreamElement("urn:xmpp:csi:0", "active",
                         [this](const Session&, const xml::Element&) { ++nonzas; });
    host.onKeyChange([this](const KeyChange& change) { keys.push_back(change.fingerprint); });
    host.onInterval(30s, [this] { ++ticks; });
    host.advertiseStreamFeature(FeatureStage::AfterAuthentication, xml::Element("csi", "urn:csi"));
    host.advertiseDiscoFeature(IqScope::Server, "urn:b");
    host.advertiseDiscoFeature(IqScope::Server, "urn:a");
    host.advertiseDiscoFeature(IqScope::Server, "urn:b");
    host.advertiseDiscoIdentity(IqScope::Server, {"server", "im", "Kontalk"});
    host.provide<RosterQueries>(roster_);
  }

  std::vector<int> hooks;
  std::vector<xmpp::Jid> bound;
  int nonzas = 0;
  std::vector<std::string> keys;
  int ticks = 0;

 private:
  NoRoster roster_;
};

// A module whose handler does what the test says.
class ScriptedModule final : public Module {
 public:
  explicit ScriptedModule(IqScope scope, IqHandler handler)
      : scope_(scope), handler_(std::move(handler)) {}
  void start(ModuleHost& host) override { host.onIq(scope_, "urn:test", IqType::Get, handler_); }

 private:
  IqScope scope_;
  IqHandler handler_;
};

xml::Element request(std::string_view id = "q1") {
  return FakeModuleHost::iq("get", "alice@example.org/phone", "example.org",
                            xml::Element("query", "urn:test"), id);
}

TEST(FakeModuleHostTest, RecordsEveryRegistration) {
  FakeModuleHost host;
  EverythingModule module;
  host.start(module);
  EXPECT_EQ(host.iqHandlers(),
            (std::vector<FakeModuleHost::IqKey>{{IqScope::Server, "urn:test", IqType::Get},
                                                {IqScope::Account, "urn:test", IqType::Set}}));
  EXPECT_EQ(host.hookOrders(StanzaHook::ToSession), (std::vector<int>{10, 20, 30}));
  EXPECT_TRUE(host.hookOrders(StanzaHook::FromClient).empty());
  EXPECT_EQ(host.sessionHandlers(SessionEvent::Bound), 1u);
  EXPECT_EQ(host.sessionHandlers(SessionEvent::Closed), 0u);
  EXPECT_EQ(host.streamElements(),
            (std::vector<std::pair<std::string, std::string>>{{"urn:xmpp:csi:0", "active"}}));
  EXPECT_EQ(host.keyChangeHandlers(), 1u);
  ASSERT_EQ(host.intervals().size(), 1u);
  EXPECT_EQ(host.intervals()[0].every, 30s);
  ASSERT_EQ(host.streamFeatures(FeatureStage::AfterAuthentication).size(), 1u);
  EXPECT_TRUE(host.streamFeatures(FeatureStage::BeforeAuthentication).empty());
  EXPECT_EQ(host.discoFeatures(IqScope::Server), (std::vector<std::string>{"urn:a", "urn:b"}));
  EXPECT_EQ(host.discoIdentities(IqScope::Server).size(), 1u);
  EXPECT_TRUE(host.hasService(typeid(RosterQueries)));
  EXPECT_NE(host.service<RosterQueries>(), nullptr);
  EXPECT_FALSE(host.registrationOpen());
}

TEST(FakeModuleHostTest, PlaysTheRouterForHooksSessionsNonzasAndIntervals) {
  FakeModuleHost host;
  EverythingModule module;
  host.start(module);
  xml::Element message("message", "jabber:client");
  message.setAttribute("from", "bob@example.org/pc");
  message.setAttribute("to", "alice@example.org/phone");
  const FakeSession alice("alice@example.org/phone");
  // In order; the first Handled stops (api/stanza_hooks.hpp).
  EXPECT_EQ(host.runHooks(StanzaHook::ToSession, message, &alice), HandlerResult::Handled);
  EXPECT_EQ(module.hooks, std::vector<int>{10});
  EXPECT_EQ(host.runHooks(StanzaHook::FromClient, message, &alice), HandlerResult::Continue);

  host.notify(SessionEvent::Bound, alice);
  EXPECT_EQ(module.bound, std::vector<xmpp::Jid>{alice.jid()});
  EXPECT_TRUE(host.deliverStreamElement(alice, xml::Element("active", "urn:xmpp:csi:0")));
  EXPECT_FALSE(host.deliverStreamElement(alice, xml::Element("inactive", "urn:xmpp:csi:0")));
  EXPECT_EQ(module.nonzas, 1);
  host.runIntervals();
  EXPECT_EQ(module.ticks, 1);
  host.announceKeyChange({*xmpp::Jid::parse("alice@example.org"), "FPR", "key"});
  EXPECT_EQ(module.keys, std::vector<std::string>{"FPR"});
  EXPECT_EQ(host.keyChangesAnnounced().size(), 1u);
}

// api/module_host.hpp: registration only in Module::start().
TEST(FakeModuleHostTest, RegistrationAfterStartThrows) {
  FakeModuleHost host;
  EverythingModule module;
  host.start(module);
  EXPECT_THROW(host.onInterval(1s, [] {}), std::logic_error);
  EXPECT_THROW(host.advertiseDiscoFeature(IqScope::Server, "urn:late"), std::logic_error);
  EXPECT_THROW(host.onIq(IqScope::Server, "urn:late", IqType::Get,
                         [](const IqRequest&) { return HandlerResult::Handled; }),
               std::logic_error);
}

// api/module_host.hpp: one handler per (scope, namespace, type).
TEST(FakeModuleHostTest, ASecondIqHandlerIsAStartUpError) {
  class Twice final : public Module {
   public:
    void start(ModuleHost& host) override {
      for (int i = 0; i < 2; ++i) {
        host.onIq(IqScope::Server, "urn:test", IqType::Get,
                  [](const IqRequest&) { return HandlerResult::Handled; });
      }
    }
  } module;
  FakeModuleHost host;
  EXPECT_THROW(host.start(module), std::logic_error);
}

// api/module_host.hpp: storage blocks, so only blocking work (and Preparing handlers) use it.
TEST(FakeModuleHostTest, StorageOnlyInBlockingWork) {
  FakeModuleHost host;
  ScriptedModule module(IqScope::Server, [&host](const IqRequest&) {
    (void)host.storage().accounts().list("example.org");
    return HandlerResult::Handled;
  });
  host.start(module);
  EXPECT_THROW(host.deliverIq(IqScope::Server, request()), std::logic_error);
  EXPECT_THROW(host.accounts(), std::logic_error);
  bool ran = false;
  host.runBlocking([&] { ran = host.storage().accounts().list("example.org").has_value(); },
                   WorkKind::Storage);
  EXPECT_FALSE(ran);  // queued, not run
  EXPECT_EQ(host.runPendingWork(), 1u);
  EXPECT_TRUE(ran);
}

// Work is queued and drained by the test, work posted by work included.
TEST(FakeModuleHostTest, RunsQueuedWorkInOrder) {
  FakeModuleHost host;
  std::vector<int> order;
  host.runBlocking(
      [&] {
        order.push_back(1);
        host.runBlocking([&] { order.push_back(3); }, WorkKind::Storage);
      },
      WorkKind::External);
  host.runBlocking([&] { order.push_back(2); }, WorkKind::Storage);
  EXPECT_EQ(host.pendingWork(), 2u);
  EXPECT_EQ(host.runPendingWork(), 3u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(host.workKinds(),
            (std::vector<WorkKind>{WorkKind::External, WorkKind::Storage, WorkKind::Storage}));
}

// api/iq.hpp: a KeptIqRequest answers after the handler returned and the request is gone.
TEST(FakeModuleHostTest, AKeptRequestIsAnsweredFromTheWorker) {
  FakeModuleHost host;
  ScriptedModule module(IqScope::Server, [&host](const IqRequest& live) {
    host.runBlocking([&host, kept = KeptIqRequest(live)] { host.replyResult(kept.request()); },
                     WorkKind::Storage);
    return HandlerResult::Handled;
  });
  host.start(module);
  EXPECT_EQ(host.deliverIq(IqScope::Server, request("kept")), HandlerResult::Handled);
  EXPECT_TRUE(host.sent().empty());
  host.runPendingWork();
  const auto replies = host.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("id"), "kept");
  EXPECT_EQ(replies[0].attribute("to"), "alice@example.org/phone");
  EXPECT_TRUE(host.sent().empty());  // taken
}

// An unauthenticated client's answer goes back on its stream, from the server, without 'to'.
TEST(FakeModuleHostTest, UnauthenticatedRequestsAreAnsweredOnTheirStream) {
  FakeModuleHost host;
  ScriptedModule module(IqScope::Unauthenticated, [&host](const IqRequest& live) {
    EXPECT_NE(live.client, nullptr);
    EXPECT_TRUE(live.from.isEmpty());
    host.replyResult(live);
    return HandlerResult::Handled;
  });
  host.start(module);
  host.deliverIq(IqScope::Unauthenticated,
                 FakeModuleHost::iq("get", "", "", xml::Element("query", "urn:test")));
  EXPECT_TRUE(host.sent().empty());
  ASSERT_EQ(host.streamReplies().size(), 1u);
  EXPECT_EQ(host.streamReplies()[0].attribute("from"), "example.org");
  EXPECT_FALSE(host.streamReplies()[0].hasAttribute("to"));
}

// No 'to' at Account scope is the sender's own account (RFC 6120 §10.3.3).
TEST(FakeModuleHostTest, AnAccountRequestWithoutToIsForTheSendersAccount) {
  FakeModuleHost host;
  xmpp::Jid to;
  ScriptedModule module(IqScope::Account, [&to](const IqRequest& live) {
    to = live.to;
    return HandlerResult::Handled;
  });
  host.start(module);
  host.deliverIq(IqScope::Account, FakeModuleHost::iq("get", "alice@example.org/phone", "",
                                                      xml::Element("query", "urn:test")));
  EXPECT_EQ(to, *xmpp::Jid::parse("alice@example.org"));
}

TEST(FakeModuleHostTest, RecordsWhatTheModuleSends) {
  FakeModuleHost host;
  host.sendRecorded(xml::Element("message", "jabber:client"), 7);
  host.deliverHeld(*xmpp::Jid::parse("alice@example.org/phone"), xml::Element("presence"));
  host.deliverToResources(xml::Element("presence"));
  ASSERT_EQ(host.sentRecorded().size(), 1u);
  EXPECT_EQ(host.sentRecorded()[0].id, 7);
  ASSERT_EQ(host.heldDelivered().size(), 1u);
  EXPECT_EQ(host.heldDelivered()[0].session.resource(), "phone");
  EXPECT_EQ(host.deliveredToResources().size(), 1u);
}

TEST(FakeModuleHostTest, SessionsOfAnswersTheAccountsSessions) {
  FakeModuleHost host;
  host.addSession(std::make_shared<FakeSession>("alice@example.org/phone"));
  host.addSession(std::make_shared<FakeSession>("alice@example.org/tablet", false));
  host.addSession(std::make_shared<FakeSession>("bob@example.org/pc"));
  EXPECT_EQ(host.sessionsOf(*xmpp::Jid::parse("alice@example.org")).size(), 2u);
  host.removeSession(*xmpp::Jid::parse("alice@example.org/phone"));
  const auto left = host.sessionsOf(*xmpp::Jid::parse("alice@example.org"));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_FALSE(left[0]->isAvailable());
}

// api/ordered_work.hpp: jobs of one key run one at a time in post order, through runBlocking.
TEST(FakeModuleHostTest, OrderedWorkKeepsTheOrderOfOneKey) {
  FakeModuleHost host;
  OrderedWork work(host);
  std::vector<std::string> done;
  EXPECT_FALSE(work.postIfBusy("alice", [&] { done.push_back("never"); }));
  work.post("alice", [&] { done.push_back("alice 1"); });
  work.post("bob", [&] { done.push_back("bob 1"); });
  work.post("alice", [&] { done.push_back("alice 2"); });
  EXPECT_TRUE(work.postIfBusy("alice", [&] { done.push_back("alice 3"); }));
  EXPECT_EQ(host.pendingWork(), 2u);  // one drain per key
  host.runPendingWork();
  EXPECT_EQ(done, (std::vector<std::string>{"alice 1", "alice 2", "alice 3", "bob 1"}));
  EXPECT_FALSE(work.postIfBusy("alice", [] {}));  // idle again
}

// The storage is real: what the test writes, the module reads through accounts().
TEST(FakeModuleHostTest, AccountsReadTheTestsStorage) {
  FakeModuleHost host;
  ASSERT_TRUE(
      host.database().accounts().create(storage::Account{"alice", "example.org", {}, {}, 5}));
  std::optional<AccountInfo> found;
  host.runBlocking(
      [&] { found = host.accounts().find(*xmpp::Jid::parse("alice@example.org")).value(); },
      WorkKind::Storage);
  host.runPendingWork();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->createdAt, 5);
  EXPECT_TRUE(std::filesystem::is_directory(host.dataDirectory()));
}

}  // namespace
}  // namespace kontalk::api::testing
