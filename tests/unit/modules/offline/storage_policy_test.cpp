#include "modules/offline/storage_policy.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {
namespace {

xml::Element messageWith(std::initializer_list<std::pair<const char*, const char*>> children) {
  xml::Element message("message", ns::kClient);
  message.setAttribute("type", "chat");
  for (const auto& [name, xmlns] : children) message.addChild(name, xmlns);
  return message;
}

TEST(OfflineStoragePolicy, StoresBodiesAndReceipts) {
  EXPECT_TRUE(shouldStore(messageWith({{"body", ns::kClient}})));
  EXPECT_TRUE(shouldStore(messageWith({{"received", ns::kReceipts}})));
  EXPECT_TRUE(shouldStore(messageWith(
      {{"body", ns::kClient}, {"request", ns::kReceipts}, {"active", ns::kChatStates}})));
  // Payloads it does not know (Kontalk's encrypted content) are kept too.
  EXPECT_TRUE(shouldStore(messageWith({{"e2e", "urn:ietf:params:xml:ns:xmpp-e2e"}})));
}

TEST(OfflineStoragePolicy, SkipsChatStatesAloneAndEmptyMessages) {
  EXPECT_FALSE(shouldStore(messageWith({{"composing", ns::kChatStates}})));
  EXPECT_FALSE(shouldStore(messageWith({{"composing", ns::kChatStates}, {"thread", ns::kClient}})));
  EXPECT_FALSE(shouldStore(messageWith({})));
}

TEST(OfflineStoragePolicy, FollowsProcessingHints) {
  EXPECT_FALSE(shouldStore(messageWith({{"body", ns::kClient}, {"no-store", ns::kHints}})));
  EXPECT_FALSE(
      shouldStore(messageWith({{"body", ns::kClient}, {"no-permanent-store", ns::kHints}})));
  EXPECT_TRUE(shouldStore(messageWith({{"composing", ns::kChatStates}, {"store", ns::kHints}})));
}

TEST(OfflineStoragePolicy, StampsDelayOnceFromTheServer) {
  auto message = messageWith({{"body", ns::kClient}});
  const auto when =
      std::chrono::sys_days(std::chrono::year(2026) / 11 / 24) + std::chrono::hours(12);
  stampDelay(message, "example.org", when);
  stampDelay(message, "example.org", when + std::chrono::hours(1));
  const auto delays = message.children("delay", ns::kDelay);
  ASSERT_EQ(delays.size(), 1u);
  EXPECT_EQ(delays[0]->attribute("from"), "example.org");
  EXPECT_EQ(delays[0]->attribute("stamp"), "2026-11-24T12:00:00.000Z");
}

TEST(OfflineStoragePolicy, KeepsAnotherEntitysDelayAndAddsItsOwn) {
  auto message = messageWith({{"body", ns::kClient}});
  message.addChild("delay", ns::kDelay).setAttribute("from", "elsewhere.example");
  stampDelay(message, "example.org", std::chrono::system_clock::now());
  EXPECT_EQ(message.children("delay", ns::kDelay).size(), 2u);
}

}  // namespace
}  // namespace kontalk::modules::offline
