// The pubkey module (src/modules/pubkey/pubkey.cpp, Kontalk spec §0 and §5) through the fake
// module host: which presences carry the account's key or fingerprint, and key look-ups.

#include <gtest/gtest.h>

#include "api/fake_module_host.hpp"
#include "base/encoding.hpp"
#include "xmpp/error_condition.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::HandlerResult;
using api::IqScope;
using api::StanzaHook;
using api::testing::FakeModuleHost;
using api::testing::FakeSession;

const std::string kFirstPrint = "0123456789ABCDEF0123456789ABCDEF01234567";
const std::string kSecondPrint = "FEDCBA9876543210FEDCBA9876543210FEDCBA98";

xml::Element presence(std::string_view from, std::string_view to = {}, std::string_view type = {}) {
  xml::Element stanza("presence", ns::kClient);
  stanza.setAttribute("from", std::string(from));
  if (!to.empty()) stanza.setAttribute("to", std::string(to));
  if (!type.empty()) stanza.setAttribute("type", std::string(type));
  return stanza;
}

// The fingerprints of every <pubkey/> in `stanza`.
std::vector<std::string> prints(const xml::Element& stanza) {
  std::vector<std::string> found;
  for (const auto* pubkey : stanza.children("pubkey", ns::kPubkey)) {
    found.push_back(pubkey->childText("print", ns::kPubkey));
  }
  return found;
}

class PubkeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& storage = host_.database();
    ASSERT_TRUE(storage.accounts().create(storage::Account{"alice", "example.org", {}, {}, 1}));
    ASSERT_TRUE(storage.accounts().create(storage::Account{"bob", "example.org", {}, {}, 1}));
    ASSERT_TRUE(
        storage.keys().setCurrentKey("alice", "example.org", {kFirstPrint, "alice's key", 0}));
    module_ = FakeModuleHost::create("pubkey");
    host_.start(*module_);
  }

  // Alice's client sends `stanza`; returns it as the FromClient hooks left it.
  xml::Element fromAlice(xml::Element stanza) {
    EXPECT_EQ(host_.runHooks(StanzaHook::FromClient, stanza, alice_.get()),
              HandlerResult::Continue);
    return stanza;
  }

  // Alice logs in: the key is loaded before the bind (SessionEvent::Preparing).
  void aliceLogsIn() {
    host_.notify(api::SessionEvent::Preparing, *alice_);
    host_.addSession(alice_);
    host_.notify(api::SessionEvent::Bound, *alice_);
  }

  FakeModuleHost host_;
  std::unique_ptr<api::Module> module_;
  std::shared_ptr<FakeSession> alice_ = std::make_shared<FakeSession>("alice@example.org/phone");
  FakeSession bob_{"bob@example.org/pc"};
};

TEST_F(PubkeyTest, RunsBeforeTheRosterModule) {
  // The roster module (order 100) copies presences: the fingerprint must be in them already.
  EXPECT_EQ(host_.hookOrders(StanzaHook::FromClient), std::vector<int>{90});
  EXPECT_EQ(host_.hookOrders(StanzaHook::ToSession), std::vector<int>{90});
}

// Spec §0: every presence a contact receives carries the fingerprint, the first one after a
// login too: the key is loaded while the bind waits.
TEST_F(PubkeyTest, FirstPresenceAfterPreparingCarriesTheFingerprint) {
  EXPECT_TRUE(prints(fromAlice(presence("alice@example.org/phone"))).empty());  // not loaded yet
  aliceLogsIn();
  const auto broadcast = fromAlice(presence("alice@example.org/phone"));
  EXPECT_EQ(prints(broadcast), std::vector<std::string>{kFirstPrint});
  EXPECT_EQ(broadcast.child("pubkey", ns::kPubkey)->child("key", ns::kPubkey), nullptr);
  EXPECT_EQ(prints(fromAlice(presence("alice@example.org/phone", {}, "unavailable"))),
            std::vector<std::string>{kFirstPrint});
}

// What contacts see is what the server certified: the client's own <pubkey/> goes.
TEST_F(PubkeyTest, ReplacesAPubkeyTheClientWrote) {
  aliceLogsIn();
  auto forged = presence("alice@example.org/phone");
  forged.addChild("pubkey", ns::kPubkey).addChild("print", ns::kPubkey).addText(kSecondPrint);
  EXPECT_EQ(prints(fromAlice(std::move(forged))), std::vector<std::string>{kFirstPrint});
}

// Spec §5: a key rollover reaches the next presence at once.
TEST_F(PubkeyTest, AKeyChangeReplacesTheFingerprint) {
  aliceLogsIn();
  host_.announceKeyChange({*xmpp::Jid::parse("alice@example.org"), kSecondPrint, "new key"});
  EXPECT_EQ(prints(fromAlice(presence("alice@example.org/phone"))),
            std::vector<std::string>{kSecondPrint});
}

// Spec §5: a subscription request carries the whole key so that the contact can verify it.
TEST_F(PubkeyTest, SubscriptionRequestCarriesTheWholeKey) {
  aliceLogsIn();
  const auto request =
      fromAlice(presence("alice@example.org/phone", "bob@example.org", "subscribe"));
  const auto* pubkey = request.child("pubkey", ns::kPubkey);
  ASSERT_NE(pubkey, nullptr);
  EXPECT_EQ(pubkey->childText("key", ns::kPubkey), base::base64Encode("alice's key"));
  EXPECT_EQ(pubkey->childText("print", ns::kPubkey), kFirstPrint);
}

// The unavailable presence the server sends for a dropped connection reaches contacts with
// the fingerprint too.
TEST_F(PubkeyTest, ServerGeneratedUnavailableToAContactGetsTheFingerprint) {
  aliceLogsIn();
  auto unavailable = presence("alice@example.org/phone", "bob@example.org/pc", "unavailable");
  EXPECT_EQ(host_.runHooks(StanzaHook::ToSession, unavailable, &bob_), HandlerResult::Continue);
  EXPECT_EQ(prints(unavailable), std::vector<std::string>{kFirstPrint});

  // Not twice, not for the server's own presence, not to the account's own resources.
  EXPECT_EQ(host_.runHooks(StanzaHook::ToSession, unavailable, &bob_), HandlerResult::Continue);
  EXPECT_EQ(prints(unavailable).size(), 1u);
  auto fromServer = presence("example.org", "bob@example.org/pc", "unavailable");
  host_.runHooks(StanzaHook::ToSession, fromServer, &bob_);
  EXPECT_TRUE(prints(fromServer).empty());
  auto toItself = presence("alice@example.org/phone", "alice@example.org/tablet", "unavailable");
  host_.runHooks(StanzaHook::ToSession, toItself, nullptr);
  EXPECT_TRUE(prints(toItself).empty());
}

// Spec §5: the server answers for the account, online or not.
TEST_F(PubkeyTest, AnswersAnAccountsKeyAfterTheLookUp) {
  ASSERT_EQ(host_.deliverIq(IqScope::Account,
                            FakeModuleHost::iq("get", "bob@example.org/pc", "alice@example.org",
                                               xml::Element("pubkey", ns::kPubkey))),
            HandlerResult::Handled);
  EXPECT_TRUE(host_.sent().empty());
  host_.runPendingWork();
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("type"), "result");
  EXPECT_EQ(replies[0].attribute("from"), "alice@example.org");
  EXPECT_EQ(replies[0].childText("pubkey", ns::kPubkey), base::base64Encode("alice's key"));
}

TEST_F(PubkeyTest, AnAccountWithoutKeyIsItemNotFound) {
  host_.deliverIq(IqScope::Account,
                  FakeModuleHost::iq("get", "alice@example.org/phone", "bob@example.org",
                                     xml::Element("pubkey", ns::kPubkey)));
  host_.runPendingWork();
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(xmpp::testing::errorCondition(replies[0]), "item-not-found");
}

// Spec §1: the server's own key, for clients to check certifications.
TEST_F(PubkeyTest, AnswersTheServerKey) {
  host_.deliverIq(IqScope::Server,
                  FakeModuleHost::iq("get", "alice@example.org/phone", "example.org",
                                     xml::Element("pubkey", ns::kPubkey)));
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].childText("pubkey", ns::kPubkey),
            base::base64Encode(host_.serverKey().publicKeyBinary()));
}

}  // namespace
}  // namespace kontalk::modules
