#include "modules/roster/roster_items.hpp"

#include <gtest/gtest.h>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {
namespace {

using xmpp::StanzaErrorCondition;

xmpp::Jid owner() {
  return *xmpp::Jid::parse("alice@example.org/phone");
}

xml::Element query(std::string jid, std::string name = {}, std::vector<std::string> groups = {}) {
  xml::Element result("query", ns::kRoster);
  auto& item = result.addChild("item", ns::kRoster);
  item.setAttribute("jid", std::move(jid));
  if (!name.empty()) item.setAttribute("name", std::move(name));
  for (auto& group : groups) item.addChild("group", ns::kRoster).addText(group);
  return result;
}

StanzaErrorCondition refusal(const xml::Element& set, RosterLimits limits = {}) {
  auto parsed = parseRosterSet(set, owner(), limits);
  EXPECT_FALSE(parsed.has_value());
  return parsed ? StanzaErrorCondition::UndefinedCondition : parsed.error().condition;
}

TEST(RosterItemsTest, ParsesNameAndGroupsInOrder) {
  auto parsed = parseRosterSet(query("Bob@Example.org", "Bob", {"b", "a"}), owner(), {});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->contact.toString(), "bob@example.org");
  EXPECT_EQ(parsed->name, "Bob");
  EXPECT_EQ(parsed->groups, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(parsed->remove);
}

TEST(RosterItemsTest, Remove) {
  xml::Element remove("query", ns::kRoster);
  remove.addChild("item", ns::kRoster)
      .setAttribute("jid", "bob@example.org")
      .setAttribute("subscription", "remove");
  auto parsed = parseRosterSet(remove, owner(), {});
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->remove);
}

TEST(RosterItemsTest, RefusesWhatRfc6121Section233Refuses) {
  RosterLimits limits;
  limits.maxNameBytes = 3;
  limits.maxGroupBytes = 3;
  limits.maxGroups = 2;
  EXPECT_EQ(refusal(query("bob@example.org", "Bobby"), limits),
            StanzaErrorCondition::NotAcceptable);
  EXPECT_EQ(refusal(query("bob@example.org", "", {"long"}), limits),
            StanzaErrorCondition::NotAcceptable);
  EXPECT_EQ(refusal(query("bob@example.org", "", {""}), limits),
            StanzaErrorCondition::NotAcceptable);
  EXPECT_EQ(refusal(query("bob@example.org", "", {"a", "b", "c"}), limits),
            StanzaErrorCondition::NotAcceptable);
  EXPECT_EQ(refusal(query("bob@example.org", "", {"a", "a"}), limits),
            StanzaErrorCondition::BadRequest);
  EXPECT_EQ(refusal(query("bob@example.org/res")), StanzaErrorCondition::BadRequest);
  EXPECT_EQ(refusal(query("@bad")), StanzaErrorCondition::JidMalformed);
  EXPECT_EQ(refusal(query("alice@example.org")), StanzaErrorCondition::NotAllowed);
  auto two = query("bob@example.org");
  two.addChild("item", ns::kRoster).setAttribute("jid", "carol@example.org");
  EXPECT_EQ(refusal(two), StanzaErrorCondition::BadRequest);
  EXPECT_EQ(refusal(xml::Element("query", ns::kRoster)), StanzaErrorCondition::BadRequest);
}

TEST(RosterItemsTest, ItemElementShowsStateAttributes) {
  storage::RosterItem item;
  item.contact = "bob@example.org";
  item.name = "Bob";
  item.subscriptionFrom = true;
  item.askSubscribe = true;
  item.groups = {"Friends"};
  const auto element = itemElement(item);
  EXPECT_EQ(element.attribute("subscription"), "from");
  EXPECT_EQ(element.attribute("ask"), "subscribe");
  EXPECT_FALSE(element.hasAttribute("approved"));
  EXPECT_EQ(element.childText("group", ns::kRoster), "Friends");
  item.subscriptionTo = true;
  item.askSubscribe = false;
  item.approved = true;
  EXPECT_EQ(itemElement(item).attribute("subscription"), "both");
  EXPECT_EQ(itemElement(item).attribute("approved"), "true");
}

}  // namespace
}  // namespace kontalk::modules::roster
