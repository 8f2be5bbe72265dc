#include "modules/csi/csi_policy.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::csi {
namespace {

xml::Element presence(std::string type = {}) {
  xml::Element element("presence", ns::kClient);
  if (!type.empty()) element.setAttribute("type", std::move(type));
  return element;
}

xml::Element chatState(std::string state = "composing") {
  xml::Element element("message", ns::kClient);
  element.setAttribute("type", "chat");
  element.addChild(std::move(state), ns::kChatStates);
  return element;
}

TEST(CsiPolicyTest, HoldsAvailabilityPresenceOnly) {
  EXPECT_EQ(classify(presence()), CsiTreatment::HoldPresence);
  EXPECT_EQ(classify(presence("unavailable")), CsiTreatment::HoldPresence);
  for (const char* type : {"subscribe", "subscribed", "unsubscribe", "unsubscribed", "error"}) {
    EXPECT_EQ(classify(presence(type)), CsiTreatment::Deliver) << type;
  }
}

TEST(CsiPolicyTest, HoldsStandaloneChatStatesWithThreadAndHints) {
  EXPECT_EQ(classify(chatState()), CsiTreatment::HoldChatState);
  auto withExtras = chatState("paused");
  withExtras.addChild("thread", ns::kClient).addText("t1");
  withExtras.addChild("no-store", ns::kHints);
  EXPECT_EQ(classify(withExtras), CsiTreatment::HoldChatState);
}

TEST(CsiPolicyTest, DeliversMessagesWithBodyAndSupersedesTheChatState) {
  auto message = chatState("active");
  message.addChild("body", ns::kClient).addText("hi");
  EXPECT_EQ(classify(message), CsiTreatment::DeliverSupersedingChatState);
}

TEST(CsiPolicyTest, DeliversEverythingElse) {
  auto receipt = xml::Element("message", ns::kClient);
  receipt.addChild("received", ns::kReceipts);
  EXPECT_EQ(classify(receipt), CsiTreatment::Deliver);
  auto stateWithPayload = chatState();
  stateWithPayload.addChild("x", "urn:example");
  EXPECT_EQ(classify(stateWithPayload), CsiTreatment::Deliver);
  auto error = chatState();
  error.setAttribute("type", "error");
  EXPECT_EQ(classify(error), CsiTreatment::Deliver);
  EXPECT_EQ(classify(xml::Element("iq", ns::kClient)), CsiTreatment::Deliver);
}

}  // namespace
}  // namespace kontalk::modules::csi
