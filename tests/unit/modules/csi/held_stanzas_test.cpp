#include "modules/csi/held_stanzas.hpp"

#include <gtest/gtest.h>

namespace kontalk::modules::csi {
namespace {

xml::Element stanza(std::string name, std::string id) {
  xml::Element element(std::move(name), "jabber:client");
  element.setAttribute("id", std::move(id));
  return element;
}

std::vector<std::string> ids(const std::vector<xml::Element>& stanzas) {
  std::vector<std::string> result;
  for (const auto& element : stanzas) result.emplace_back(element.attribute("id"));
  return result;
}

TEST(HeldStanzasTest, ReleasesInArrivalOrderAndEmpties) {
  HeldStanzas held;
  held.hold(HeldKind::Presence, "a@x/1", stanza("presence", "p1"));
  held.hold(HeldKind::ChatState, "b@x/1", stanza("message", "c1"));
  held.hold(HeldKind::Presence, "b@x/1", stanza("presence", "p2"));
  EXPECT_EQ(held.size(), 3U);
  EXPECT_EQ(ids(held.release()), (std::vector<std::string>{"p1", "c1", "p2"}));
  EXPECT_TRUE(held.empty());
  EXPECT_TRUE(held.release().empty());
}

TEST(HeldStanzasTest, KeepsOnlyNewestOfAKindPerSenderAtItsNewPosition) {
  HeldStanzas held;
  held.hold(HeldKind::Presence, "a@x/1", stanza("presence", "old"));
  held.hold(HeldKind::Presence, "b@x/1", stanza("presence", "other"));
  held.hold(HeldKind::ChatState, "a@x/1", stanza("message", "state"));
  held.hold(HeldKind::Presence, "a@x/1", stanza("presence", "new"));
  EXPECT_EQ(held.size(), 3U);
  EXPECT_EQ(ids(held.release()), (std::vector<std::string>{"other", "state", "new"}));
}

TEST(HeldStanzasTest, DropChatStateForgetsOnlyThatSendersChatState) {
  HeldStanzas held;
  held.hold(HeldKind::ChatState, "a@x/1", stanza("message", "a-state"));
  held.hold(HeldKind::Presence, "a@x/1", stanza("presence", "a-presence"));
  held.hold(HeldKind::ChatState, "b@x/1", stanza("message", "b-state"));
  held.dropChatState("a@x/1");
  held.dropChatState("nobody@x/1");
  EXPECT_EQ(ids(held.release()), (std::vector<std::string>{"a-presence", "b-state"}));
}

}  // namespace
}  // namespace kontalk::modules::csi
