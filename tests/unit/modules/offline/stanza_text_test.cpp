#include "modules/offline/stanza_text.hpp"

#include <gtest/gtest.h>

#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {
namespace {

TEST(StoredStanzaText, RoundTripsASerializedMessage) {
  xml::Element message("message", ns::kClient);
  message.setAttribute("from", "alice@example.org/phone");
  message.setAttribute("type", "chat");
  message.addChild("body", ns::kClient).addText("a < b & 'quoted' \xc3\xa9");
  message.addChild("request", ns::kReceipts);
  const std::string text = xml::serialize(message, ns::kClient);

  auto parsed = parseStoredStanza(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(xml::serialize(*parsed, ns::kClient), text);
  EXPECT_EQ(parsed->xmlns(), ns::kClient);
  EXPECT_EQ(parsed->childText("body", ns::kClient), "a < b & 'quoted' \xc3\xa9");
  EXPECT_NE(parsed->child("request", ns::kReceipts), nullptr);
}

TEST(StoredStanzaText, RefusesDamagedOrSeveralElements) {
  EXPECT_FALSE(parseStoredStanza("<message><body>cut"));
  EXPECT_FALSE(parseStoredStanza("<message/><message/>"));
  EXPECT_FALSE(parseStoredStanza(""));
}

}  // namespace
}  // namespace kontalk::modules::offline
