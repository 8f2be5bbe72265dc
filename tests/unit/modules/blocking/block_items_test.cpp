#include "modules/blocking/block_items.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::blocking {
namespace {

xml::Element request(std::initializer_list<const char*> jids) {
  xml::Element block("block", ns::kBlocking);
  for (const char* jid : jids) block.addChild("item", ns::kBlocking).setAttribute("jid", jid);
  return block;
}

TEST(BlockItems, PreparesAndDeduplicatesInOrder) {
  auto jids =
      readBlockItems(request({"Romeo@Montague.net", "example.com", "romeo@montague.net"}), 10);
  ASSERT_TRUE(jids);
  EXPECT_EQ(*jids, (std::vector<std::string>{"romeo@montague.net", "example.com"}));
  EXPECT_TRUE(readBlockItems(request({}), 10).value().empty());
}

TEST(BlockItems, RefusesBadJidsAndTooManyItems) {
  auto malformed = readBlockItems(request({"a@b@c"}), 10);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().condition, xmpp::StanzaErrorCondition::JidMalformed);

  xml::Element missing("block", ns::kBlocking);
  missing.addChild("item", ns::kBlocking);
  auto noJid = readBlockItems(missing, 10);
  ASSERT_FALSE(noJid);
  EXPECT_EQ(noJid.error().condition, xmpp::StanzaErrorCondition::BadRequest);

  auto tooMany = readBlockItems(request({"a@x", "b@x", "c@x"}), 2);
  ASSERT_FALSE(tooMany);
  EXPECT_EQ(tooMany.error().condition, xmpp::StanzaErrorCondition::PolicyViolation);
}

}  // namespace
}  // namespace kontalk::modules::blocking
