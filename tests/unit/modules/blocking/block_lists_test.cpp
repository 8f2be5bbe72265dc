#include "modules/blocking/block_lists.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::blocking {
namespace {

xmpp::Jid jid(std::string_view text) {
  return xmpp::Jid::parse(text).value();
}

TEST(BlockLists, MatchesTheJidFormsOfXep0016) {
  BlockLists lists;
  lists.add("alice@example.org", {"romeo@montague.net", "nurse@capulet.com/balcony", "evil.example",
                                  "spam.example/bot"});
  const std::string alice = "alice@example.org";
  EXPECT_TRUE(lists.blocks(alice, jid("romeo@montague.net")));
  EXPECT_TRUE(lists.blocks(alice, jid("romeo@montague.net/orchard")));
  EXPECT_FALSE(lists.blocks(alice, jid("benvolio@montague.net")));
  EXPECT_TRUE(lists.blocks(alice, jid("nurse@capulet.com/balcony")));
  EXPECT_FALSE(lists.blocks(alice, jid("nurse@capulet.com/kitchen")));
  EXPECT_FALSE(lists.blocks(alice, jid("nurse@capulet.com")));
  EXPECT_TRUE(lists.blocks(alice, jid("anyone@evil.example/x")));
  EXPECT_TRUE(lists.blocks(alice, jid("evil.example")));
  EXPECT_TRUE(lists.blocks(alice, jid("spam.example/bot")));
  EXPECT_TRUE(lists.blocks(alice, jid("user@spam.example/bot")));  // domain/resource form
  EXPECT_FALSE(lists.blocks(alice, jid("user@spam.example/human")));
  EXPECT_FALSE(lists.blocks("bob@example.org", jid("romeo@montague.net")));
  EXPECT_FALSE(lists.blocks(alice, xmpp::Jid{}));
}

TEST(BlockLists, AddRemoveClearAndList) {
  BlockLists lists;
  lists.add("a@x", {"c@y", "b@y"});
  lists.add("a@x", {"b@y"});
  EXPECT_EQ(lists.list("a@x"), (std::vector<std::string>{"b@y", "c@y"}));
  EXPECT_EQ(lists.size("a@x"), 2u);
  EXPECT_TRUE(lists.contains("a@x", "c@y"));
  lists.remove("a@x", {"c@y", "unknown@y"});
  EXPECT_EQ(lists.list("a@x"), (std::vector<std::string>{"b@y"}));
  lists.clear("a@x");
  EXPECT_EQ(lists.size("a@x"), 0u);
  EXPECT_TRUE(lists.list("a@x").empty());
}

}  // namespace
}  // namespace kontalk::modules::blocking
