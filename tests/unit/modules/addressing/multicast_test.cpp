#include "modules/addressing/multicast.hpp"

#include <gtest/gtest.h>

#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::addressing {
namespace {

using xmpp::StanzaErrorCondition;

struct Address {
  std::string type;
  std::string jid;
};

xml::Element message(const std::vector<Address>& addresses) {
  xml::Element stanza("message", ns::kClient);
  stanza.setAttribute("from", "alice@example.org/phone");
  stanza.setAttribute("to", "multicast@example.org");
  stanza.setAttribute("type", "chat");
  stanza.addChild("body", ns::kClient).addText("hello all");
  auto& block = stanza.addChild("addresses", ns::kAddress);
  for (const auto& [type, jid] : addresses) {
    auto& address = block.addChild("address", ns::kAddress);
    address.setAttribute("type", type);
    if (!jid.empty()) address.setAttribute("jid", jid);
  }
  return stanza;
}

TEST(MulticastTest, OneCopyPerRecipientWithBccStrippedAndRecipientsMarkedDelivered) {
  auto copies = expandMulticast(message({{"to", "bob@example.org"},
                                         {"cc", "carol@example.org"},
                                         {"bcc", "dave@example.org"},
                                         {"noreply", ""},
                                         {"replyto", "alice@example.org"}}),
                                50);
  ASSERT_TRUE(copies) << copies.error().text;
  ASSERT_EQ(copies->size(), 3U);
  const std::vector<std::string> expected = {"bob@example.org", "carol@example.org",
                                             "dave@example.org"};
  for (std::size_t i = 0; i < copies->size(); ++i) {
    const auto& copy = (*copies)[i];
    EXPECT_EQ(copy.recipient.toString(), expected[i]);
    EXPECT_EQ(copy.stanza.attribute("to"), expected[i]);
    EXPECT_EQ(copy.stanza.attribute("from"), "alice@example.org/phone");
    EXPECT_EQ(copy.stanza.childText("body", ns::kClient), "hello all");
    const auto* addresses = copy.stanza.child("addresses", ns::kAddress);
    ASSERT_NE(addresses, nullptr);
    const auto entries = addresses->children("address", ns::kAddress);
    ASSERT_EQ(entries.size(), 4U) << xml::serialize(copy.stanza);
    for (const auto* entry : entries) {
      EXPECT_NE(entry->attribute("type"), "bcc");
      const bool recipient = entry->attribute("type") == "to" || entry->attribute("type") == "cc";
      EXPECT_EQ(entry->attribute("delivered") == "true", recipient);
    }
    EXPECT_EQ(xml::serialize(*addresses).find("dave"), std::string::npos);
  }
}

TEST(MulticastTest, SkipsDeliveredAddressesAndDuplicateJids) {
  auto stanza = message({{"to", "bob@example.org"}, {"cc", "bob@example.org"}});
  auto& extra = stanza.child("addresses", ns::kAddress)->addChild("address", ns::kAddress);
  extra.setAttribute("type", "to");
  extra.setAttribute("jid", "carol@example.org");
  extra.setAttribute("delivered", "true");
  auto copies = expandMulticast(stanza, 50);
  ASSERT_TRUE(copies);
  ASSERT_EQ(copies->size(), 1U);
  EXPECT_EQ(copies->front().recipient.toString(), "bob@example.org");
}

TEST(MulticastTest, TooManyAddressesIsNotAcceptable) {
  std::vector<Address> addresses;
  for (int i = 0; i < 4; ++i) addresses.push_back({"to", "u" + std::to_string(i) + "@example.org"});
  EXPECT_TRUE(expandMulticast(message(addresses), 4));
  auto refused = expandMulticast(message(addresses), 3);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().condition, StanzaErrorCondition::NotAcceptable);
}

TEST(MulticastTest, RefusesWhatCannotBeDelivered) {
  EXPECT_EQ(expandMulticast(message({{"sideways", "bob@example.org"}}), 50).error().condition,
            StanzaErrorCondition::BadRequest);
  EXPECT_EQ(expandMulticast(message({{"to", ""}}), 50).error().condition,
            StanzaErrorCondition::FeatureNotImplemented);
  EXPECT_EQ(expandMulticast(message({{"to", "@bad"}}), 50).error().condition,
            StanzaErrorCondition::JidMalformed);
  EXPECT_EQ(expandMulticast(message({{"replyto", "bob@example.org"}}), 50).error().condition,
            StanzaErrorCondition::BadRequest);
  auto twoBlocks = message({{"to", "bob@example.org"}});
  twoBlocks.addChild("addresses", ns::kAddress);
  EXPECT_EQ(expandMulticast(twoBlocks, 50).error().condition, StanzaErrorCondition::BadRequest);
}

}  // namespace
}  // namespace kontalk::modules::addressing
