#include "modules/probe/roster_match.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::probe {
namespace {

xml::Element query(std::initializer_list<std::string> jids) {
  xml::Element element("query", kRosterNamespace);
  for (const auto& jid : jids) element.addChild("item", kRosterNamespace).setAttribute("jid", jid);
  return element;
}

TEST(RosterMatchTest, KeepsTheLocalDomainsJidsOnceInRequestOrder) {
  auto asked = readRosterMatch(
      query({"b@example.net", "a@example.net", "x@example.org", "b@example.net/res"}),
      "example.net", 500);
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->size(), 2u);
  EXPECT_EQ((*asked)[0].bareString(), "b@example.net");
  EXPECT_EQ((*asked)[1].bareString(), "a@example.net");
}

TEST(RosterMatchTest, AnUnparsableJidIsInvalid) {
  auto asked = readRosterMatch(query({"a@example.net", "@@"}), "example.net", 500);
  ASSERT_FALSE(asked);
  EXPECT_EQ(asked.error().code, StatusCode::InvalidArgument);
  EXPECT_EQ(asked.error().message, "Invalid JID string");
}

TEST(RosterMatchTest, MoreItemsThanAllowedAreRefusedBeforeAnyIsRead) {
  auto asked = readRosterMatch(query({"a@example.net", "b@example.net", "@@"}), "example.net", 2);
  ASSERT_FALSE(asked);
  EXPECT_EQ(asked.error().code, StatusCode::Overloaded);
}

TEST(RosterMatchTest, OtherChildrenAreIgnoredAndTheAnswerListsTheMatches) {
  auto request = query({"a@example.net"});
  request.addChild("something", "urn:other");
  auto asked = readRosterMatch(request, "example.net", 500);
  ASSERT_TRUE(asked);
  const auto answer = rosterMatchAnswer(*asked);
  ASSERT_EQ(answer.children("item", kRosterNamespace).size(), 1u);
  EXPECT_EQ(answer.children("item", kRosterNamespace)[0]->attribute("jid"), "a@example.net");
}

}  // namespace
}  // namespace kontalk::modules::probe
