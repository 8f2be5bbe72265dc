// The router (src/router/router.cpp): where each stanza goes, following RFC 6120 §8 and §10 and
// RFC 6121 §8, with a real SessionDirectory and ExtensionPoints and sessions that record what
// they are handed.

#include "router/router.hpp"

#include <gtest/gtest.h>

#include <map>

#include "xml/element_text.hpp"
#include "xmpp/error_condition.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/test_stanzas.hpp"

namespace kontalk::router {
namespace {

using api::HandlerResult;
using api::JournalId;
using api::StanzaHook;
using xmpp::testing::errorCondition;

using xmpp::testing::parseJid;
using xmpp::testing::stanza;

class RecordingSession final : public LocalSession {
 public:
  struct Delivery {
    xml::Element stanza;
    JournalId journalId;
  };
  explicit RecordingSession(std::string_view fullJid) : LocalSession(parseJid(fullJid), {}) {}

  void deliver(xml::Element delivered, JournalId journalId) override {
    deliveries.push_back({std::move(delivered), journalId});
  }
  void terminate(xmpp::StreamError) override { ++terminations; }

  // The stanzas handed over so far (names and bodies are what tests compare), and forgets them.
  std::vector<xml::Element> take() {
    std::vector<xml::Element> stanzas;
    for (auto& delivery : deliveries) stanzas.push_back(std::move(delivery.stanza));
    deliveries.clear();
    return stanzas;
  }

  std::vector<Delivery> deliveries;
  int terminations = 0;
};

// Records what the router asks of the delivery journal (ARCHITECTURE.md §6).
class RecordingJournal final : public api::DeliveryJournal {
 public:
  JournalId record(const xml::Element& message, const xmpp::Jid& account,
                   JournalId existing) override {
    records.push_back({std::string(message.childText("body", ns::kClient)), account, existing});
    if (existing != 0) return existing;
    return message.childText("body", ns::kClient) == "not worth keeping" ? 0 : ++lastId;
  }
  void settle(std::span<const JournalId> ids) override {
    settled.insert(settled.end(), ids.begin(), ids.end());
  }
  void whenDurable(std::function<void()> done) override { done(); }
  void release(std::span<const api::JournalId>) override {}
  bool isAccepting() const override { return true; }
  void whenAccepting(std::function<void()> ready) override { ready(); }

  struct Record {
    std::string body;
    xmpp::Jid account;
    JournalId existing;
  };
  std::vector<Record> records;
  std::vector<JournalId> settled;
  JournalId lastId = 100;
};

class RouterTest : public ::testing::Test {
 protected:
  std::shared_ptr<RecordingSession> bind(std::string_view fullJid, bool available = true,
                                         int priority = 0) {
    auto session = std::make_shared<RecordingSession>(fullJid);
    session->setPresence(available, priority);
    EXPECT_EQ(sessions_.bind(session).outcome, SessionDirectory::BindOutcome::Bound);
    return session;
  }

  // A hook at `point` that logs its name and answers `result`.
  void hook(StanzaHook point, int order, std::string name,
            HandlerResult result = HandlerResult::Continue) {
    extensions_.stanzaHooks[point].push_back(
        {"test", order, [this, name, result](api::StanzaEvent& event) {
           hookLog_.push_back(name + ":" + event.stanza.name());
           return result;
         }});
  }

  void handleIq(api::IqScope scope, std::string xmlns, api::IqType type,
                HandlerResult result = HandlerResult::Handled) {
    extensions_.iq.emplace(ExtensionPoints::IqKey{scope, xmlns, type},
                           ExtensionPoints::Owned<api::IqHandler>{
                               "test", [this, scope, result](const api::IqRequest& request) {
                                 iqLog_.push_back({scope, request.from, request.to});
                                 return result;
                               }});
  }

  struct IqCall {
    api::IqScope scope;
    xmpp::Jid from;
    xmpp::Jid to;
  };

  ExtensionPoints extensions_;
  SessionDirectory sessions_{ResourceConflictPolicy::ReplaceOlder, 10};
  Router router_{parseJid("example.org"), sessions_, extensions_};
  std::vector<std::string> hookLog_;
  std::vector<IqCall> iqLog_;
  std::shared_ptr<RecordingSession> bob_ = bind("bob@example.org/pc");
};

// ---- messages ----------------------------------------------------------------------------------

// RFC 6121 §8.5.3.1: a message to an available full JID goes to that resource only.
TEST_F(RouterTest, MessageToAFullJidGoesToThatSession) {
  auto phone = bind("alice@example.org/phone");
  auto tablet = bind("alice@example.org/tablet");
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org/tablet' "
             "type='chat'><body>hi</body></message>"));
  EXPECT_TRUE(phone->take().empty());
  const auto delivered = tablet->take();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].childText("body", ns::kClient), "hi");
  EXPECT_EQ(delivered[0].attribute("from"), "bob@example.org/pc");
}

// RFC 6121 §8.5.2.1.1: to a bare JID, the available resources of highest non-negative priority.
TEST_F(RouterTest, MessageToABareJidGoesToTheHighestNonNegativePriority) {
  auto first = bind("alice@example.org/first", true, 5);
  auto second = bind("alice@example.org/second", true, 5);
  auto lower = bind("alice@example.org/lower", true, 1);
  auto negative = bind("alice@example.org/negative", true, -1);
  auto unavailable = bind("alice@example.org/unavailable", false, 10);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' "
             "type='chat'><body>hi</body></message>"));
  EXPECT_EQ(first->take().size(), 1u);
  EXPECT_EQ(second->take().size(), 1u);
  EXPECT_TRUE(lower->take().empty());
  EXPECT_TRUE(negative->take().empty());
  EXPECT_TRUE(unavailable->take().empty());
}

// RFC 6121 §8.5.2.1.1: resources of negative priority never get messages to the bare JID; with
// only those, the account has no available resource (§8.5.2.2).
TEST_F(RouterTest, OnlyNegativePriorityResourcesAreNoAvailableResource) {
  auto negative = bind("alice@example.org/negative", true, -1);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' "
             "type='chat'><body>hi</body></message>"));
  EXPECT_TRUE(negative->take().empty());
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "service-unavailable");
}

// RFC 6121 §8.5.2.1.1: a headline goes to every available resource of non-negative priority.
TEST_F(RouterTest, HeadlineToABareJidGoesToAllAvailableResources) {
  auto high = bind("alice@example.org/high", true, 5);
  auto low = bind("alice@example.org/low", true, 0);
  auto negative = bind("alice@example.org/negative", true, -1);
  auto unavailable = bind("alice@example.org/unavailable", false, 0);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' "
             "type='headline'><body>news</body></message>"));
  EXPECT_EQ(high->take().size(), 1u);
  EXPECT_EQ(low->take().size(), 1u);
  EXPECT_TRUE(negative->take().empty());
  EXPECT_TRUE(unavailable->take().empty());
}

// RFC 6121 §8.5.3.2.1: normal and chat messages to a gone full JID go to the bare JID.
TEST_F(RouterTest, ChatAndNormalToAGoneFullJidGoToTheBareJid) {
  auto phone = bind("alice@example.org/phone");
  for (const char* type : {"chat", "normal"}) {
    router_.route(stanza(std::string("<message from='bob@example.org/pc' "
                                     "to='alice@example.org/gone' type='") +
                         type + "'><body>hi</body></message>"));
    EXPECT_EQ(phone->take().size(), 1u) << type;
  }
  EXPECT_TRUE(bob_->take().empty());
}

// RFC 6121 §8.5.3.2.1: groupchat to a gone full JID is refused with service-unavailable.
TEST_F(RouterTest, GroupchatToAGoneFullJidBouncesServiceUnavailable) {
  auto phone = bind("alice@example.org/phone");
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org/gone' "
             "type='groupchat' id='g1'><body>hi</body></message>"));
  EXPECT_TRUE(phone->take().empty());
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "service-unavailable");
  EXPECT_EQ(bounced[0].attribute("id"), "g1");
  EXPECT_EQ(bounced[0].attribute("from"), "alice@example.org/gone");
}

// RFC 6121 §8.5.3.2.1: a headline to a gone full JID is dropped silently.
TEST_F(RouterTest, HeadlineToAGoneFullJidIsDropped) {
  auto phone = bind("alice@example.org/phone");
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org/gone' "
             "type='headline'><body>news</body></message>"));
  EXPECT_TRUE(phone->take().empty());
  EXPECT_TRUE(bob_->take().empty());
}

// RFC 6121 §8.5.2.2: with no available resource, normal and chat messages are offered to the
// Undeliverable hook (offline storage); nobody taking them is service-unavailable.
TEST_F(RouterTest, UndeliverableWithoutAHandlerIsServiceUnavailable) {
  bind("alice@example.org/away", false);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' "
             "type='chat' id='m1'><body>hi</body></message>"));
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "service-unavailable");
  EXPECT_EQ(bounced[0].attribute("from"), "alice@example.org");
}

TEST_F(RouterTest, UndeliverableMessagesGoToTheHookWithTheirRecord) {
  JournalId seen = -1;
  extensions_.stanzaHooks[StanzaHook::Undeliverable].push_back(
      {"offline", 10, [&seen](api::StanzaEvent& event) {
         seen = event.journalId;
         return HandlerResult::Handled;
       }});
  router_.route(stanza("<message from='bob@example.org/pc' to='alice@example.org' "
                       "type='chat'><body>hi</body></message>"),
                42);
  EXPECT_EQ(seen, 42);
  EXPECT_TRUE(bob_->take().empty());  // stored: no error

  // Headlines are not kept (RFC 6121 §8.5.2.2): neither stored nor bounced.
  seen = -1;
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' "
             "type='headline'><body>news</body></message>"));
  EXPECT_EQ(seen, -1);
  EXPECT_TRUE(bob_->take().empty());
}

// RFC 6120 §10.3: a stanza without 'to' is for the sender's own account.
TEST_F(RouterTest, AMessageWithoutToGoesToTheSendersAccount) {
  auto tablet = bind("bob@example.org/tablet", true, 1);
  router_.route(
      stanza("<message from='bob@example.org/pc' type='chat'><body>note</body></message>"));
  EXPECT_EQ(tablet->take().size(), 1u);
}

// ---- IQs ---------------------------------------------------------------------------------------

TEST_F(RouterTest, IqToABoundFullJidIsDelivered) {
  auto phone = bind("alice@example.org/phone");
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='alice@example.org/phone' type='get' "
             "id='v1'><query xmlns='jabber:iq:version'/></iq>"));
  EXPECT_EQ(phone->take().size(), 1u);
}

// RFC 6121 §8.5.3.2.3: an IQ request to an unavailable full JID is service-unavailable; a
// response is dropped (RFC 6120 §8.2: never answer an error, nor a result).
TEST_F(RouterTest, IqRequestToAGoneFullJidIsServiceUnavailable) {
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='alice@example.org/gone' type='get' "
             "id='v1'><query xmlns='jabber:iq:version'/></iq>"));
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "service-unavailable");
  EXPECT_EQ(bounced[0].attribute("id"), "v1");

  router_.route(
      stanza("<iq from='bob@example.org/pc' to='alice@example.org/gone' "
             "type='result' id='v2'/>"));
  EXPECT_TRUE(bob_->take().empty());
}

// RFC 6120 §8.2.3: a get or set carries exactly one payload.
TEST_F(RouterTest, IqWithoutPayloadOrWithTwoIsBadRequest) {
  handleIq(api::IqScope::Server, ns::kPing, api::IqType::Get);
  for (const char* to : {"example.org", "alice@example.org"}) {
    router_.route(stanza(std::string("<iq from='bob@example.org/pc' to='") + to +
                         "' type='get' id='none'/>"));
    router_.route(stanza(std::string("<iq from='bob@example.org/pc' to='") + to +
                         "' type='get' id='two'><ping xmlns='urn:xmpp:ping'/>"
                         "<ping xmlns='urn:xmpp:ping'/></iq>"));
    const auto bounced = bob_->take();
    ASSERT_EQ(bounced.size(), 2u) << to;
    EXPECT_EQ(errorCondition(bounced[0]), "bad-request") << to;
    EXPECT_EQ(errorCondition(bounced[1]), "bad-request") << to;
  }
  EXPECT_TRUE(iqLog_.empty());
}

// The IQ handler registered for (scope, namespace, type) answers; the scope follows the 'to'
// (RFC 6121 §8.5.1: the server answers for an account's bare JID).
TEST_F(RouterTest, IqRequestsReachTheirHandlerByScope) {
  handleIq(api::IqScope::Server, ns::kPing, api::IqType::Get);
  handleIq(api::IqScope::Account, ns::kPing, api::IqType::Get);
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='example.org' type='get' id='a'>"
             "<ping xmlns='urn:xmpp:ping'/></iq>"));
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='alice@example.org' type='get' id='b'>"
             "<ping xmlns='urn:xmpp:ping'/></iq>"));
  // RFC 6120 §10.3.3: no 'to' is the sender's own account.
  router_.route(
      stanza("<iq from='bob@example.org/pc' type='get' id='c'>"
             "<ping xmlns='urn:xmpp:ping'/></iq>"));
  ASSERT_EQ(iqLog_.size(), 3u);
  EXPECT_EQ(iqLog_[0].scope, api::IqScope::Server);
  EXPECT_EQ(iqLog_[0].to, parseJid("example.org"));
  EXPECT_EQ(iqLog_[1].scope, api::IqScope::Account);
  EXPECT_EQ(iqLog_[1].to, parseJid("alice@example.org"));
  EXPECT_EQ(iqLog_[2].scope, api::IqScope::Account);
  EXPECT_EQ(iqLog_[2].to, parseJid("bob@example.org"));
  EXPECT_EQ(iqLog_[2].from, parseJid("bob@example.org/pc"));
  EXPECT_TRUE(bob_->take().empty());  // the handlers answer, not the router
}

// RFC 6120 §8.4: a request nobody handles is service-unavailable; so is one whose handler
// declines (HandlerResult::Continue), and one of the other type.
// api::ModuleHost::sendIq: an answer addressed to a bare JID of the domain goes to the request
// it answers, matched by requester, id and sender; anything else is dropped as before.
TEST_F(RouterTest, IqAnswersToTheServersOwnRequestsReachThem) {
  std::vector<std::string> answers;
  ASSERT_TRUE(router_.pendingIqs().add("probe@example.org", "q1", "probe@b.test",
                                       [&answers](const xml::Element& response) {
                                         answers.emplace_back(response.attribute("type"));
                                       }));
  EXPECT_FALSE(router_.pendingIqs().add("probe@example.org", "q1", "probe@c.test", nullptr));
  // Wrong sender, wrong id: not its answer.
  router_.route(stanza("<iq type='result' id='q1' from='probe@c.test' to='probe@example.org'/>"));
  router_.route(stanza("<iq type='result' id='q2' from='probe@b.test' to='probe@example.org'/>"));
  EXPECT_TRUE(answers.empty());
  router_.route(stanza("<iq type='result' id='q1' from='probe@b.test/x' to='probe@example.org'/>"));
  EXPECT_EQ(answers, std::vector<std::string>{"result"});
  EXPECT_EQ(router_.pendingIqs().size(), 0u);
  // Late: nothing waits any more.
  router_.route(stanza("<iq type='result' id='q1' from='probe@b.test' to='probe@example.org'/>"));
  EXPECT_EQ(answers.size(), 1u);
}

// Spec §7.5 step 4: the router's own bounce of the server's request (another domain, no s2s)
// is its answer: the request is done at once.
TEST_F(RouterTest, ABounceOfTheServersOwnRequestIsItsAnswer) {
  std::vector<std::string> conditions;
  ASSERT_TRUE(router_.pendingIqs().add("probe@example.org", "q1", "probe@b.test",
                                       [&conditions](const xml::Element& response) {
                                         conditions.push_back(errorCondition(response));
                                       }));
  router_.route(
      stanza("<iq type='get' id='q1' from='probe@example.org' to='probe@b.test'>"
             "<query xmlns='http://kontalk.org/extensions/roster'/></iq>"));
  EXPECT_EQ(conditions, std::vector<std::string>{"remote-server-not-found"});
  EXPECT_TRUE(bob_->take().empty());
}

TEST(PendingIqsTest, ATableAtCapacityRefusesNewRequests) {
  PendingIqs pending(2);
  EXPECT_TRUE(pending.add("a@example.org", "1", "b@x", nullptr));
  EXPECT_TRUE(pending.add("a@example.org", "2", "b@x", nullptr));
  EXPECT_FALSE(pending.add("a@example.org", "3", "b@x", nullptr));
  EXPECT_TRUE(pending.expire("a@example.org", "1"));
  EXPECT_FALSE(pending.expire("a@example.org", "1"));
  EXPECT_TRUE(pending.add("a@example.org", "3", "b@x", nullptr));
}

TEST_F(RouterTest, UnhandledIqIsServiceUnavailable) {
  handleIq(api::IqScope::Server, ns::kVersion, api::IqType::Get, HandlerResult::Continue);
  handleIq(api::IqScope::Server, ns::kPing, api::IqType::Get);
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='example.org' type='get' id='1'>"
             "<query xmlns='jabber:iq:unknown'/></iq>"));
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='example.org' type='get' id='2'>"
             "<query xmlns='jabber:iq:version'/></iq>"));
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='example.org' type='set' id='3'>"
             "<ping xmlns='urn:xmpp:ping'/></iq>"));
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 3u);
  for (const auto& reply : bounced) EXPECT_EQ(errorCondition(reply), "service-unavailable");
  EXPECT_EQ(iqLog_.size(), 1u);  // the declining handler was asked
}

// ---- addressing and errors ---------------------------------------------------------------------

// Without s2s (no RemoteRoute), another domain is remote-server-not-found (RFC 6120 §8.3.3.16).
TEST_F(RouterTest, RemoteDomainIsRemoteServerNotFound) {
  router_.route(
      stanza("<message from='bob@example.org/pc' to='carol@example.net' type='chat' "
             "id='r1'><body>hi</body></message>"));
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "remote-server-not-found");
  EXPECT_EQ(bounced[0].attribute("from"), "carol@example.net");
}

class RecordingRemoteRoute final : public RemoteRoute {
 public:
  void send(xml::Element stanza, const xmpp::Jid&, const xmpp::Jid& to,
            JournalId journalId) override {
    sent.push_back({std::move(stanza), to});
    journalIds.push_back(journalId);
  }
  std::vector<std::pair<xml::Element, xmpp::Jid>> sent;
  std::vector<JournalId> journalIds;
};

// With s2s, stanzas for other domains leave through the RemoteRoute (spec §7.2).
TEST_F(RouterTest, RemoteDomainGoesToTheRemoteRoute) {
  RecordingRemoteRoute remote;
  router_.setRemoteRoute(&remote);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='carol@example.net' type='chat' "
             "id='r1'><body>hi</body></message>"));
  EXPECT_TRUE(bob_->take().empty());
  ASSERT_EQ(remote.sent.size(), 1u);
  EXPECT_EQ(remote.sent[0].second.toString(), "carol@example.net");
  EXPECT_EQ(remote.sent[0].first.childText("body", ns::kClient), "hi");
}

// A request from another server that fails here is answered over s2s (RFC 6120 §8.3.1).
TEST_F(RouterTest, ErrorsForRemoteSendersGoToTheRemoteRoute) {
  RecordingRemoteRoute remote;
  router_.setRemoteRoute(&remote);
  router_.route(
      stanza("<iq from='carol@example.net/pc' to='bob@example.org/gone' type='get' id='q1'>"
             "<query xmlns='jabber:iq:version'/></iq>"));
  ASSERT_EQ(remote.sent.size(), 1u);
  EXPECT_EQ(errorCondition(remote.sent[0].first), "service-unavailable");
  EXPECT_EQ(remote.sent[0].first.attribute("id"), "q1");
  EXPECT_EQ(remote.sent[0].second.toString(), "carol@example.net/pc");
}

TEST_F(RouterTest, MalformedToIsJidMalformed) {
  router_.route(
      stanza("<message from='bob@example.org/pc' to='@example.org' type='chat'>"
             "<body>hi</body></message>"));
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "jid-malformed");
}

// RFC 6120 §8.2: an error is never answered with an error.
TEST_F(RouterTest, ErrorsAreNeverAnsweredWithErrors) {
  bind("alice@example.org/away", false);
  for (const char* text : {
           "<message from='bob@example.org/pc' to='carol@example.net' type='error'/>",
           "<message from='bob@example.org/pc' to='@example.org' type='error'/>",
           "<iq from='bob@example.org/pc' to='alice@example.org/gone' type='error' id='e'/>",
           "<iq from='bob@example.org/pc' to='example.org' type='error' id='e'/>",
           "<message from='bob@example.org/pc' to='alice@example.org/gone' type='error'/>",
           "<presence from='bob@example.org/pc' to='carol@example.net' type='error'/>",
       }) {
    router_.route(stanza(text));
    EXPECT_TRUE(bob_->take().empty()) << text;
  }
}

TEST_F(RouterTest, AStanzaWithoutFromIsDropped) {
  auto phone = bind("alice@example.org/phone");
  router_.route(
      stanza("<message to='alice@example.org/phone' type='chat'><body>x</body></message>"));
  EXPECT_TRUE(phone->take().empty());
}

// ---- hooks -------------------------------------------------------------------------------------

// api/stanza_hooks.hpp: handlers run in ascending order; the first Handled consumes the stanza.
TEST_F(RouterTest, ToAccountHooksRunInOrderAndHandledConsumes) {
  auto phone = bind("alice@example.org/phone");
  hook(StanzaHook::ToAccount, 10, "first");
  hook(StanzaHook::ToAccount, 20, "second", HandlerResult::Handled);
  hook(StanzaHook::ToAccount, 30, "third");
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' type='chat'>"
             "<body>hi</body></message>"));
  EXPECT_EQ(hookLog_, (std::vector<std::string>{"first:message", "second:message"}));
  EXPECT_TRUE(phone->take().empty());
  EXPECT_TRUE(bob_->take().empty());  // consumed is not an error
}

TEST_F(RouterTest, FromClientHookThatHandlesStopsRouting) {
  auto phone = bind("alice@example.org/phone");
  hook(StanzaHook::FromClient, 10, "watch");
  router_.routeFromClient(stanza("<message from='bob@example.org/pc' to='alice@example.org/phone' "
                                 "type='chat'><body>1</body></message>"),
                          *bob_);
  EXPECT_EQ(phone->take().size(), 1u);
  hook(StanzaHook::FromClient, 20, "drop", HandlerResult::Handled);
  router_.routeFromClient(stanza("<message from='bob@example.org/pc' to='alice@example.org/phone' "
                                 "type='chat'><body>2</body></message>"),
                          *bob_);
  EXPECT_TRUE(phone->take().empty());
  EXPECT_EQ(hookLog_, (std::vector<std::string>{"watch:message", "watch:message", "drop:message"}));
}

// A ToSession hook holds back or drops per recipient; the other resources still get theirs.
TEST_F(RouterTest, ToSessionHookConsumesOnlyForItsRecipient) {
  auto phone = bind("alice@example.org/phone", true, 1);
  auto tablet = bind("alice@example.org/tablet", true, 1);
  extensions_.stanzaHooks[StanzaHook::ToSession].push_back(
      {"test", 10, [](api::StanzaEvent& event) {
         return event.session->jid().resource() == "tablet" ? HandlerResult::Handled
                                                            : HandlerResult::Continue;
       }});
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' type='chat'>"
             "<body>hi</body></message>"));
  EXPECT_EQ(phone->take().size(), 1u);
  EXPECT_TRUE(tablet->take().empty());

  // What a hook held back is released without passing the hooks again.
  router_.deliverHeld(parseJid("alice@example.org/tablet"), stanza("<message/>"));
  EXPECT_EQ(tablet->take().size(), 1u);
}

// ---- presence ----------------------------------------------------------------------------------

// RFC 6121 §4.2.2 and §4.5.2: a client's broadcast sets its availability and reaches the
// account's available resources, the sender included (also when it goes unavailable).
TEST_F(RouterTest, PresenceBroadcastUpdatesAvailabilityAndReachesOwnResources) {
  auto phone = bind("alice@example.org/phone", false);
  auto tablet = bind("alice@example.org/tablet", true, 0);
  auto laptop = bind("alice@example.org/laptop", false);
  router_.route(
      stanza("<presence from='alice@example.org/phone'><priority>5</priority>"
             "</presence>"));
  EXPECT_TRUE(phone->isAvailable());
  EXPECT_EQ(phone->priority(), 5);
  EXPECT_EQ(phone->take().size(), 1u);
  EXPECT_EQ(tablet->take().size(), 1u);
  EXPECT_TRUE(laptop->take().empty());
  EXPECT_TRUE(bob_->take().empty());  // contacts are the roster module's business

  router_.route(stanza("<presence from='alice@example.org/phone' type='unavailable'/>"));
  EXPECT_FALSE(phone->isAvailable());
  EXPECT_EQ(phone->take().size(), 1u);
  EXPECT_EQ(tablet->take().size(), 1u);
  EXPECT_TRUE(laptop->take().empty());
}

// RFC 6121 §4.6, §8.5.2.1.2: presence to an account reaches each available resource; a probe
// nobody answers goes nowhere.
TEST_F(RouterTest, DirectedPresenceReachesTheAccountsAvailableResources) {
  auto phone = bind("alice@example.org/phone", true, -1);
  auto away = bind("alice@example.org/away", false);
  router_.route(stanza("<presence from='bob@example.org/pc' to='alice@example.org'/>"));
  EXPECT_EQ(phone->take().size(), 1u);  // presence ignores priority
  EXPECT_TRUE(away->take().empty());
  router_.route(
      stanza("<presence from='bob@example.org/pc' to='alice@example.org' "
             "type='probe'/>"));
  EXPECT_TRUE(phone->take().empty());
}

// api::ModuleHost::deliverToResources: what a ToAccount hook held back, to available resources.
TEST_F(RouterTest, DeliverToResourcesReachesAvailableResourcesOnly) {
  auto phone = bind("alice@example.org/phone");
  auto away = bind("alice@example.org/away", false);
  int toSessionRuns = 0;
  extensions_.stanzaHooks[StanzaHook::ToSession].push_back(
      {"test", 10, [&toSessionRuns](api::StanzaEvent&) {
         ++toSessionRuns;
         return HandlerResult::Continue;
       }});
  router_.deliverToResources(
      stanza("<presence from='bob@example.org/pc' to='alice@example.org'/>"));
  EXPECT_EQ(phone->take().size(), 1u);
  EXPECT_TRUE(away->take().empty());
  EXPECT_EQ(toSessionRuns, 1);
  // Only a local account's resources.
  router_.deliverToResources(stanza("<presence from='bob@example.org/pc' to='example.org'/>"));
  router_.deliverToResources(
      stanza("<presence from='bob@example.org/pc' to='alice@example.net'/>"));
  EXPECT_TRUE(phone->take().empty());
}

// RFC 6121 §4.5.2: when an available session ends, the account's other resources learn it;
// modules hear of it. A session that was replaced has nothing to clean up.
TEST_F(RouterTest, ClosingASessionTellsTheOtherResourcesAndTheModules) {
  std::vector<std::string> closed;
  extensions_.sessionHandlers[api::SessionEvent::Closed].push_back(
      {"test",
       [&closed](const api::Session& session) { closed.push_back(session.jid().toString()); }});
  auto phone = bind("alice@example.org/phone");
  auto tablet = bind("alice@example.org/tablet");
  router_.handleSessionClosed(phone);
  const auto told = tablet->take();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].attribute("type"), "unavailable");
  EXPECT_EQ(told[0].attribute("from"), "alice@example.org/phone");
  EXPECT_EQ(closed, std::vector<std::string>{"alice@example.org/phone"});
  EXPECT_EQ(sessions_.find(parseJid("alice@example.org/phone")), nullptr);

  auto replacement = std::make_shared<RecordingSession>("alice@example.org/tablet");
  ASSERT_EQ(sessions_.bind(replacement).replaced, tablet);
  router_.handleSessionClosed(tablet);
  EXPECT_EQ(closed.size(), 1u);
  EXPECT_EQ(sessions_.find(parseJid("alice@example.org/tablet")), replacement);
}

// ---- the delivery journal (ARCHITECTURE.md §6) -------------------------------------------------

class RouterJournalTest : public RouterTest {
 protected:
  void SetUp() override { extensions_.journal = &journal_; }
  RecordingJournal journal_;
};

// A message gets its record just before it is handed to a session, and carries its id there.
TEST_F(RouterJournalTest, AMessageHandedToASessionIsRecorded) {
  auto phone = bind("alice@example.org/phone");
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org/phone' "
             "type='chat'><body>hi</body></message>"));
  ASSERT_EQ(journal_.records.size(), 1u);
  EXPECT_EQ(journal_.records[0].account, parseJid("alice@example.org"));
  EXPECT_EQ(journal_.records[0].existing, 0);
  ASSERT_EQ(phone->deliveries.size(), 1u);
  EXPECT_EQ(phone->deliveries[0].journalId, 101);
  EXPECT_TRUE(journal_.settled.empty());
}

// One record for all the resources a message goes to: the first acknowledgement settles it.
TEST_F(RouterJournalTest, ResourcesOfOneMessageShareOneRecord) {
  auto phone = bind("alice@example.org/phone", true, 1);
  auto tablet = bind("alice@example.org/tablet", true, 1);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org' type='chat'>"
             "<body>hi</body></message>"));
  ASSERT_EQ(phone->deliveries.size(), 1u);
  ASSERT_EQ(tablet->deliveries.size(), 1u);
  EXPECT_EQ(phone->deliveries[0].journalId, tablet->deliveries[0].journalId);
  EXPECT_NE(phone->deliveries[0].journalId, 0);
}

// A stored or rerouted message keeps the record it has.
TEST_F(RouterJournalTest, AMessageWithARecordKeepsIt) {
  auto phone = bind("alice@example.org/phone");
  router_.route(stanza("<message from='bob@example.org/pc' to='alice@example.org/phone' "
                       "type='chat'><body>stored</body></message>"),
                7);
  ASSERT_EQ(journal_.records.size(), 1u);
  EXPECT_EQ(journal_.records[0].existing, 7);
  EXPECT_EQ(phone->deliveries[0].journalId, 7);
}

// A recorded message a module drops on purpose needs no keeping.
TEST_F(RouterJournalTest, AConsumedRecordedMessageIsSettled) {
  auto phone = bind("alice@example.org/phone");
  hook(StanzaHook::ToSession, 10, "drop", HandlerResult::Handled);
  router_.route(stanza("<message from='bob@example.org/pc' to='alice@example.org/phone' "
                       "type='chat'><body>blocked</body></message>"),
                8);
  EXPECT_TRUE(phone->deliveries.empty());
  EXPECT_EQ(journal_.settled, std::vector<JournalId>{8});

  hook(StanzaHook::ToAccount, 10, "consume", HandlerResult::Handled);
  router_.route(stanza("<message from='bob@example.org/pc' to='alice@example.org' type='chat'>"
                       "<body>consumed</body></message>"),
                9);
  EXPECT_EQ(journal_.settled, (std::vector<JournalId>{8, 9}));
}

TEST_F(RouterJournalTest, OnlyMessagesAreRecorded) {
  auto phone = bind("alice@example.org/phone");
  router_.route(stanza("<presence from='bob@example.org/pc' to='alice@example.org/phone'/>"));
  router_.route(
      stanza("<iq from='bob@example.org/pc' to='alice@example.org/phone' type='get' "
             "id='1'><ping xmlns='urn:xmpp:ping'/></iq>"));
  EXPECT_EQ(phone->deliveries.size(), 2u);
  EXPECT_TRUE(journal_.records.empty());
  // A message the journal does not keep (XEP-0160 rules) travels with no record.
  router_.route(
      stanza("<message from='bob@example.org/pc' to='alice@example.org/phone'>"
             "<body>not worth keeping</body></message>"));
  ASSERT_EQ(phone->deliveries.size(), 3u);
  EXPECT_EQ(phone->deliveries[2].journalId, 0);
}

// Spec §7.9: a message for another server is recorded (durable before the sender's <a/>) and
// leaves with its record, which the remote route settles once that server acknowledged it.
TEST_F(RouterJournalTest, AMessageForAnotherServerLeavesWithItsRecord) {
  RecordingRemoteRoute remote;
  router_.setRemoteRoute(&remote);
  router_.route(
      stanza("<message from='bob@example.org/pc' to='carol@example.net/phone' "
             "type='chat'><body>far</body></message>"));
  ASSERT_EQ(journal_.records.size(), 1u);
  EXPECT_EQ(journal_.records[0].account, parseJid("carol@example.net"));
  ASSERT_EQ(remote.journalIds.size(), 1u);
  EXPECT_EQ(remote.journalIds[0], 101);
  // A stored one sent again (RemoteDelivery) keeps its record; presence is never recorded.
  router_.route(stanza("<message from='bob@example.org/pc' to='carol@example.net' "
                       "type='chat'><body>again</body></message>"),
                7);
  router_.route(stanza("<presence from='bob@example.org/pc' to='carol@example.net'/>"));
  ASSERT_EQ(remote.journalIds.size(), 3u);
  EXPECT_EQ(remote.journalIds[1], 7);
  EXPECT_EQ(remote.journalIds[2], 0);
  EXPECT_EQ(journal_.records.size(), 2u);
}

// Without s2s a stored message for another server is answered by the bounce: nothing keeps it.
TEST_F(RouterJournalTest, WithoutARemoteRouteAStoredRemoteMessageIsBouncedAndSettled) {
  router_.route(stanza("<message from='bob@example.org/pc' to='carol@example.net' "
                       "type='chat'><body>stored</body></message>"),
                9);
  EXPECT_EQ(journal_.settled, std::vector<JournalId>{9});
  const auto bounced = bob_->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(errorCondition(bounced[0]), "remote-server-not-found");
}

}  // namespace
}  // namespace kontalk::router
