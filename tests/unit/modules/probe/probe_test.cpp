// The probe module (src/modules/probe/probe.cpp) through the fake module host: roster match at
// probe@DOMAIN (spec §7.4), answered from the local accounts on a worker.

#include <gtest/gtest.h>

#include "api/fake_module_host.hpp"
#include "api/fake_network.hpp"
#include "modules/probe/roster_match.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;

constexpr const char* kStanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

xml::Element match(std::initializer_list<const char*> jids) {
  xml::Element query("query", probe::kRosterNamespace);
  for (const char* jid : jids) {
    query.addChild("item", probe::kRosterNamespace).setAttribute("jid", jid);
  }
  return query;
}

// The error condition of an error reply, "" for none.
std::string condition(const xml::Element& reply) {
  const auto* error = reply.child("error", "jabber:client");
  if (error == nullptr) return "";
  for (const auto* child : error->childElements()) {
    if (child->xmlns() == kStanzaErrors && child->name() != "text") {
      return std::string(error->attribute("type")) + " " + child->name();
    }
  }
  return "";
}

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* user : {"alice", "bob"}) {
      ASSERT_TRUE(
          host_.database().accounts().create(storage::Account{user, "example.org", {}, {}, 1}));
    }
    module_ = FakeModuleHost::create("probe", "max_pending_per_user = 1");
    host_.addService<api::NetworkDirectory>(network_);
    host_.start(*module_);
  }

  std::optional<api::HandlerResult> ask(const char* from, xml::Element query,
                                        const char* id = "m1") {
    return host_.deliverIq(IqScope::Account, FakeModuleHost::iq("get", from, "probe@example.org",
                                                                std::move(query), id));
  }

  FakeModuleHost host_;
  api::testing::FakeNetworkDirectory network_{"example.org"};  // no peers unless a test adds them
  std::unique_ptr<api::Module> module_;
};

TEST_F(ProbeTest, IsAServiceOfTheDomain) {
  const auto services = host_.serviceAddresses();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].localpart, "probe");
  EXPECT_EQ(services[0].features, std::vector<std::string>{probe::kProbeFeature});
}

// Spec §7.4: the local users among those asked, in request order, from probe@DOMAIN.
TEST_F(ProbeTest, AnswersTheLocalAccountsInRequestOrderOnAWorker) {
  ASSERT_EQ(ask("alice@example.org/phone",
                match({"bob@example.org", "carol@example.org", "alice@example.org"})),
            api::HandlerResult::Handled);
  EXPECT_TRUE(host_.sent().empty()) << "answered before the accounts were looked up";
  EXPECT_EQ(host_.runPendingWork(), 1u);
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("type"), "result");
  EXPECT_EQ(replies[0].attribute("from"), "probe@example.org");
  EXPECT_EQ(replies[0].attribute("to"), "alice@example.org/phone");
  const auto* query = replies[0].child("query", probe::kRosterNamespace);
  ASSERT_NE(query, nullptr);
  std::vector<std::string> matches;
  for (const auto* item : query->childElements()) matches.emplace_back(item->attribute("jid"));
  EXPECT_EQ(matches, (std::vector<std::string>{"bob@example.org", "alice@example.org"}));
}

TEST_F(ProbeTest, IqsToOtherAddressesAreNotItsOwn) {
  const auto result = host_.deliverIq(
      IqScope::Account,
      FakeModuleHost::iq("get", "alice@example.org/phone", "bob@example.org", match({})));
  EXPECT_EQ(result, api::HandlerResult::Continue);
  EXPECT_TRUE(host_.sent().empty());
}

// Spec §7.4: only the server's own users; other servers' probes come with federation.
TEST_F(ProbeTest, AUserOfAnotherDomainIsForbidden) {
  ASSERT_EQ(ask("mallory@example.net/phone", match({"alice@example.org"})),
            api::HandlerResult::Handled);
  EXPECT_EQ(host_.pendingWork(), 0u);
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(condition(replies[0]), "auth forbidden");
}

// [modules.probe] max_pending_per_user = 1: a second request while the first waits for its
// worker is refused for now, and admitted again once the first was answered.
TEST_F(ProbeTest, RequestsBeyondThePendingLimitAreRefusedForNow) {
  ASSERT_EQ(ask("alice@example.org/phone", match({"bob@example.org"}), "m1"),
            api::HandlerResult::Handled);
  ASSERT_EQ(ask("alice@example.org/laptop", match({"bob@example.org"}), "m2"),
            api::HandlerResult::Handled);
  auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("id"), "m2");
  EXPECT_EQ(condition(replies[0]), "wait resource-constraint");
  EXPECT_EQ(host_.runPendingWork(), 1u);
  ASSERT_EQ(host_.takeSent().size(), 1u);  // m1's answer

  ASSERT_EQ(ask("alice@example.org/laptop", match({"bob@example.org"}), "m3"),
            api::HandlerResult::Handled);
  EXPECT_EQ(host_.runPendingWork(), 1u);
  replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("type"), "result");
}

}  // namespace
}  // namespace kontalk::modules
