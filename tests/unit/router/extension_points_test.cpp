// What modules registered (src/router/extension_points.cpp): running hook points and session
// handlers, finding IQ handlers and services, and undoing one module's registrations.

#include "router/extension_points.hpp"

#include <gtest/gtest.h>

#include "api/no_journal.hpp"
#include "api/roster_queries.hpp"

namespace kontalk::router {
namespace {

using api::HandlerResult;
using api::StanzaHook;

xmpp::Jid parseJid(std::string_view text) {
  return *xmpp::Jid::parse(text);
}

class StubSession final : public api::Session {
 public:
  const xmpp::Jid& jid() const override { return jid_; }
  bool isAvailable() const override { return true; }
  int priority() const override { return 0; }
  const api::ClientInfo& client() const override { return client_; }
  bool isDetached() const override { return false; }
  std::chrono::steady_clock::time_point lastActivity() const override { return {}; }

 private:
  xmpp::Jid jid_ = parseJid("alice@example.org/phone");
  api::ClientInfo client_;
};

using api::testing::NoJournal;

class ExtensionPointsTest : public ::testing::Test {
 protected:
  api::StanzaHandler logging(std::string name, HandlerResult result = HandlerResult::Continue) {
    return [this, name, result](api::StanzaEvent&) {
      log_.push_back(name);
      return result;
    };
  }
  HandlerResult run(StanzaHook point) {
    xml::Element stanza("message", "jabber:client");
    const auto from = parseJid("bob@example.org/pc");
    const auto to = parseJid("alice@example.org");
    api::StanzaEvent event{stanza, from, to, nullptr};
    return extensions_.run(point, event);
  }

  // One registration of each kind, owned by `owner`.
  void registerEverything(const std::string& owner, int order, const std::string& xmlns) {
    extensions_.iq.emplace(ExtensionPoints::IqKey{api::IqScope::Server, xmlns, api::IqType::Get},
                           ExtensionPoints::Owned<api::IqHandler>{owner, [](const api::IqRequest&) {
                                                                    return HandlerResult::Handled;
                                                                  }});
    extensions_.stanzaHooks[StanzaHook::ToSession].push_back({owner, order, logging(owner)});
    extensions_.sessionHandlers[api::SessionEvent::Bound].push_back(
        {owner, [](const api::Session&) {}});
    extensions_.streamElements.emplace(std::make_pair(xmlns, "active"),
                                       ExtensionPoints::Owned<api::StreamElementHandler>{
                                           owner, [](const api::Session&, const xml::Element&) {}});
    extensions_.streamFeatures[api::FeatureStage::AfterAuthentication].push_back(
        {owner, xml::Element("feature", xmlns)});
    extensions_.keyChanges.push_back({owner, [](const api::KeyChange&) {}});
    extensions_.discoFeatures[api::IqScope::Server].push_back({owner, xmlns});
    extensions_.discoIdentities[api::IqScope::Server].push_back({owner, {"server", "im", owner}});
  }

  ExtensionPoints extensions_;
  std::vector<std::string> log_;
};

TEST_F(ExtensionPointsTest, AnEmptyPointContinues) {
  EXPECT_EQ(run(StanzaHook::FromClient), HandlerResult::Continue);
}

// api/stanza_hooks.hpp: handlers run in order; the first Handled consumes the stanza.
TEST_F(ExtensionPointsTest, HooksRunInTheirOrderUntilOneHandles) {
  auto& hooks = extensions_.stanzaHooks[StanzaHook::ToAccount];
  hooks.push_back({"a", 10, logging("a")});
  hooks.push_back({"b", 20, logging("b", HandlerResult::Handled)});
  hooks.push_back({"c", 30, logging("c")});
  EXPECT_EQ(run(StanzaHook::ToAccount), HandlerResult::Handled);
  EXPECT_EQ(log_, (std::vector<std::string>{"a", "b"}));
  log_.clear();
  EXPECT_EQ(run(StanzaHook::ToSession), HandlerResult::Continue);  // points are separate
  EXPECT_TRUE(log_.empty());
}

// Continue passes the stanza on, modified: a later handler sees what an earlier one added.
TEST_F(ExtensionPointsTest, HandlersSeeEarlierChanges) {
  auto& hooks = extensions_.stanzaHooks[StanzaHook::FromClient];
  hooks.push_back({"a", 10, [](api::StanzaEvent& event) {
                     event.stanza.addChild("mark", "urn:test");
                     return HandlerResult::Continue;
                   }});
  bool seen = false;
  hooks.push_back({"b", 20, [&seen](api::StanzaEvent& event) {
                     seen = event.stanza.child("mark", "urn:test") != nullptr;
                     return HandlerResult::Continue;
                   }});
  run(StanzaHook::FromClient);
  EXPECT_TRUE(seen);
}

TEST_F(ExtensionPointsTest, NotifiesSessionHandlersInRegistrationOrder) {
  std::vector<std::string> notified;
  for (const char* name : {"first", "second"}) {
    extensions_.sessionHandlers[api::SessionEvent::Closed].push_back(
        {name, [&notified, name](const api::Session& session) {
           notified.push_back(std::string(name) + ":" + session.jid().resource());
         }});
  }
  StubSession session;
  extensions_.notify(api::SessionEvent::Bound, session);
  EXPECT_TRUE(notified.empty());
  extensions_.notify(api::SessionEvent::Closed, session);
  EXPECT_EQ(notified, (std::vector<std::string>{"first:phone", "second:phone"}));
}

TEST_F(ExtensionPointsTest, FindsIqHandlersByScopeNamespaceAndType) {
  registerEverything("ping", 10, "urn:xmpp:ping");
  EXPECT_NE(extensions_.findIq(api::IqScope::Server, "urn:xmpp:ping", api::IqType::Get), nullptr);
  EXPECT_EQ(extensions_.findIq(api::IqScope::Server, "urn:xmpp:ping", api::IqType::Set), nullptr);
  EXPECT_EQ(extensions_.findIq(api::IqScope::Account, "urn:xmpp:ping", api::IqType::Get), nullptr);
  EXPECT_EQ(extensions_.findIq(api::IqScope::Server, "jabber:iq:version", api::IqType::Get),
            nullptr);
}

// ARCHITECTURE.md §4: everything a module registered is undone when it stops; the others'
// registrations stay.
TEST_F(ExtensionPointsTest, RemoveOwnerUndoesOnlyThatModulesRegistrations) {
  NoJournal journal;
  struct NoRoster final : api::RosterQueries {
    Result<bool> seesPresenceOf(const xmpp::Jid&, const xmpp::Jid&) override { return false; }
  } roster;
  registerEverything("gone", 10, "urn:test:gone");
  registerEverything("staying", 20, "urn:test:staying");
  extensions_.services.emplace(typeid(api::DeliveryJournal),
                               ExtensionPoints::Owned<void*>{"gone", &journal});
  extensions_.journal = &journal;
  extensions_.services.emplace(typeid(api::RosterQueries),
                               ExtensionPoints::Owned<void*>{"staying", &roster});

  extensions_.removeOwner("gone");

  EXPECT_EQ(extensions_.findIq(api::IqScope::Server, "urn:test:gone", api::IqType::Get), nullptr);
  EXPECT_NE(extensions_.findIq(api::IqScope::Server, "urn:test:staying", api::IqType::Get),
            nullptr);
  run(StanzaHook::ToSession);
  EXPECT_EQ(log_, std::vector<std::string>{"staying"});
  EXPECT_EQ(extensions_.sessionHandlers[api::SessionEvent::Bound].size(), 1u);
  EXPECT_EQ(extensions_.streamElements.size(), 1u);
  EXPECT_EQ(extensions_.streamElements.begin()->second.owner, "staying");
  EXPECT_EQ(extensions_.streamFeatures[api::FeatureStage::AfterAuthentication].size(), 1u);
  EXPECT_EQ(extensions_.keyChanges.size(), 1u);
  ASSERT_EQ(extensions_.discoFeatures[api::IqScope::Server].size(), 1u);
  EXPECT_EQ(extensions_.discoFeatures[api::IqScope::Server][0].value, "urn:test:staying");
  EXPECT_EQ(extensions_.discoIdentities[api::IqScope::Server].size(), 1u);
  EXPECT_EQ(extensions_.findService(typeid(api::DeliveryJournal)), nullptr);
  EXPECT_EQ(extensions_.journal, nullptr);
  EXPECT_EQ(extensions_.findService(typeid(api::RosterQueries)), &roster);
}

// The journal pointer belongs to the module that provided the journal, not to any module.
TEST_F(ExtensionPointsTest, RemovingAnotherModuleKeepsTheJournal) {
  NoJournal journal;
  extensions_.services.emplace(typeid(api::DeliveryJournal),
                               ExtensionPoints::Owned<void*>{"offline", &journal});
  extensions_.journal = &journal;
  registerEverything("other", 10, "urn:test:other");
  extensions_.removeOwner("other");
  EXPECT_EQ(extensions_.journal, &journal);
  EXPECT_EQ(extensions_.findService(typeid(api::DeliveryJournal)), &journal);
}

}  // namespace
}  // namespace kontalk::router
