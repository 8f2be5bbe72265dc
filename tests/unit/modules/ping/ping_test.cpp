// The ping module (src/modules/ping/ping.cpp) through the fake module host.

#include <gtest/gtest.h>

#include "api/fake_module_host.hpp"
#include "api/module_descriptor.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules {
namespace {

using api::IqScope;
using api::testing::FakeModuleHost;

xml::Element ping() {
  return xml::Element("ping", ns::kPing);
}

class PingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = FakeModuleHost::create("ping");
    host_.start(*module_);
  }

  FakeModuleHost host_;
  std::unique_ptr<api::Module> module_;
};

TEST_F(PingTest, RegistersItselfByName) {
  const auto* descriptor = api::ModuleRegistry::instance().find("ping");
  ASSERT_NE(descriptor, nullptr);
  EXPECT_TRUE(descriptor->dependencies.empty());
  EXPECT_EQ(host_.discoFeatures(IqScope::Server), std::vector<std::string>{ns::kPing});
}

// XEP-0199 §4.2: a client pings its server.
TEST_F(PingTest, AnswersPingsToTheServer) {
  const auto result = host_.deliverIq(
      IqScope::Server, FakeModuleHost::iq("get", "alice@example.org/phone", "example.org", ping()));
  ASSERT_EQ(result, api::HandlerResult::Handled);
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("type"), "result");
  EXPECT_EQ(replies[0].attribute("id"), "q1");
  EXPECT_EQ(replies[0].attribute("from"), "example.org");
  EXPECT_EQ(replies[0].attribute("to"), "alice@example.org/phone");
  EXPECT_TRUE(replies[0].childElements().empty());  // XEP-0199 §4.2: an empty result
}

// RFC 6121 §8.5.1: the server answers for the account's bare JID.
TEST_F(PingTest, AnswersPingsToAnAccountOnItsBehalf) {
  const auto result = host_.deliverIq(
      IqScope::Account,
      FakeModuleHost::iq("get", "alice@example.org/phone", "bob@example.org", ping(), "p2"));
  ASSERT_EQ(result, api::HandlerResult::Handled);
  const auto replies = host_.takeSent();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].attribute("type"), "result");
  EXPECT_EQ(replies[0].attribute("id"), "p2");
  EXPECT_EQ(replies[0].attribute("from"), "bob@example.org");
  EXPECT_EQ(replies[0].attribute("to"), "alice@example.org/phone");
}

TEST_F(PingTest, HandlesOnlyGetAndNeedsNoBlockingWork) {
  EXPECT_EQ(host_.deliverIq(IqScope::Server, FakeModuleHost::iq("set", "alice@example.org/phone",
                                                                "example.org", ping())),
            std::nullopt);
  EXPECT_EQ(host_.deliverIq(IqScope::Unauthenticated, FakeModuleHost::iq("get", "", "", ping())),
            std::nullopt);
  EXPECT_EQ(host_.pendingWork(), 0u);
}

}  // namespace
}  // namespace kontalk::modules
