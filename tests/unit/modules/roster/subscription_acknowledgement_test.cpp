// The roster module holds its source's acknowledgement while it stores a subscription
// (api/acknowledgement_gate.hpp, spec §7.9): the sender's <a/>, or an s2s link's ping answer,
// must not cover a subscription that is neither stored nor on its way through the router.

#include <gtest/gtest.h>

#include <memory>

#include "api/fake_module_host.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::AcknowledgementGate;
using api::AcknowledgementSource;
using api::HandlerResult;
using api::StanzaHook;
using api::testing::FakeModuleHost;
using api::testing::FakeSession;

xml::Element subscription(std::string_view from, std::string_view to, std::string_view type) {
  xml::Element stanza("presence", ns::kClient);
  stanza.setAttribute("from", std::string(from));
  stanza.setAttribute("to", std::string(to));
  stanza.setAttribute("type", std::string(type));
  return stanza;
}

class SubscriptionAcknowledgementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& storage = host_.database();
    ASSERT_TRUE(storage.accounts().create(storage::Account{"alice", "example.org", {}, {}, 1}));
    module_ = FakeModuleHost::create("roster");
    host_.start(*module_);
    host_.addSession(alice_);
  }

  // Whether the gate would let an acknowledgement asked for now go out. The flag outlives the
  // call: a waiter left behind runs when the hold ends.
  bool opensNow() {
    auto opened = std::make_shared<bool>(false);
    gate_->whenOpen([opened] { *opened = true; });
    return *opened;
  }

  FakeModuleHost host_{"example.org", "roster"};
  std::unique_ptr<api::Module> module_;
  std::shared_ptr<FakeSession> alice_ = std::make_shared<FakeSession>("alice@example.org/phone");
  std::shared_ptr<AcknowledgementGate> gate_ = AcknowledgementGate::create();
};

TEST_F(SubscriptionAcknowledgementTest, OutboundSubscribeHoldsTheSenderUntilTheRouterTakesIt) {
  auto stanza = subscription("alice@example.org/phone", "bob@other.test", "subscribe");
  ASSERT_EQ(host_.runHooks(StanzaHook::FromClient, stanza, alice_.get(), 0,
                           AcknowledgementSource{gate_.get(), {}}),
            HandlerResult::Handled);
  bool opened = false;
  gate_->whenOpen([&] { opened = true; });
  EXPECT_FALSE(opened) << "the roster has not stored the request yet";

  host_.runPendingWork();
  const auto sent = host_.takeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].attribute("type"), "subscribe");
  EXPECT_EQ(sent[0].attribute("from"), "alice@example.org");
  EXPECT_FALSE(opened) << "stored, but the router has not recorded it for bob's server yet";

  host_.releaseSentHolds();  // the router took it
  EXPECT_TRUE(opened);
}

TEST_F(SubscriptionAcknowledgementTest, InboundSubscribeHoldsTheSourceUntilItIsStored) {
  auto stanza = subscription("bob@other.test", "alice@example.org", "subscribe");
  ASSERT_EQ(host_.runHooks(StanzaHook::ToAccount, stanza, nullptr, 0,
                           AcknowledgementSource{gate_.get(), {}}),
            HandlerResult::Handled);
  EXPECT_FALSE(opensNow()) << "the request is not stored yet";
  host_.runPendingWork();
  EXPECT_TRUE(opensNow());
}

TEST_F(SubscriptionAcknowledgementTest, BroadcastPresenceHoldsNothing) {
  auto stanza = xml::Element("presence", ns::kClient);
  stanza.setAttribute("from", "alice@example.org/phone");
  host_.runHooks(StanzaHook::FromClient, stanza, alice_.get(), 0,
                 AcknowledgementSource{gate_.get(), {}});
  EXPECT_TRUE(opensNow()) << "presence broadcasts are volatile: nothing to wait for";
}

}  // namespace
}  // namespace kontalk::modules
