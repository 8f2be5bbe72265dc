#include "modules/carbons/carbon_rules.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::carbons {
namespace {

xml::Element message(std::string type, bool body = true) {
  xml::Element stanza("message", ns::kClient);
  if (!type.empty()) stanza.setAttribute("type", std::move(type));
  stanza.setAttribute("from", "bob@example.org/pc");
  stanza.setAttribute("to", "alice@example.org/phone");
  if (body) stanza.addChild("body", ns::kClient).addText("hi");
  return stanza;
}

TEST(CarbonRulesTest, ChatAndNormalWithBodyAreEligible) {
  EXPECT_TRUE(isEligible(message("chat")));
  EXPECT_TRUE(isEligible(message("chat", false)));
  EXPECT_TRUE(isEligible(message("normal")));
  EXPECT_TRUE(isEligible(message("")));
  EXPECT_FALSE(isEligible(message("normal", false)));
  auto receipt = message("", false);
  receipt.addChild("received", ns::kReceipts);
  EXPECT_TRUE(isEligible(receipt));
}

TEST(CarbonRulesTest, OtherTypesHintsAndCarbonsAreNot) {
  for (const char* type : {"error", "groupchat", "headline"}) {
    EXPECT_FALSE(isEligible(message(type))) << type;
  }
  auto privateMessage = message("chat");
  privateMessage.addChild("private", ns::kCarbons);
  EXPECT_FALSE(isEligible(privateMessage));
  auto noCopy = message("chat");
  noCopy.addChild("no-copy", ns::kHints);
  EXPECT_FALSE(isEligible(noCopy));
  auto carbon =
      makeCarbon(CarbonDirection::Received, message("chat"), *xmpp::Jid::parse("alice@example.org"),
                 *xmpp::Jid::parse("alice@example.org/pc"));
  EXPECT_FALSE(isEligible(carbon));
  EXPECT_FALSE(isEligible(xml::Element("presence", ns::kClient)));
}

TEST(CarbonRulesTest, CarbonWrapsTheOriginalFromTheBareJid) {
  const auto original = message("chat");
  const auto carbon =
      makeCarbon(CarbonDirection::Sent, original, *xmpp::Jid::parse("alice@example.org/phone"),
                 *xmpp::Jid::parse("alice@example.org/pc"));
  EXPECT_EQ(carbon.attribute("from"), "alice@example.org");
  EXPECT_EQ(carbon.attribute("to"), "alice@example.org/pc");
  EXPECT_EQ(carbon.attribute("type"), "chat");
  const auto* sent = carbon.child("sent", ns::kCarbons);
  ASSERT_NE(sent, nullptr);
  const auto* forwarded = sent->child("forwarded", ns::kForward);
  ASSERT_NE(forwarded, nullptr);
  const auto* inner = forwarded->child("message", ns::kClient);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->attribute("from"), "bob@example.org/pc");
  EXPECT_EQ(inner->childText("body", ns::kClient), "hi");
}

}  // namespace
}  // namespace kontalk::modules::carbons
