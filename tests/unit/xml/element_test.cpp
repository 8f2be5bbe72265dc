#include "xml/element.hpp"

#include <gtest/gtest.h>

namespace kontalk::xml {
namespace {

TEST(ElementTest, AttributesDistinguishEmptyFromAbsent) {
  Element element("message", "jabber:client");
  element.setAttribute("type", "").setAttribute("to", "a@b");
  EXPECT_TRUE(element.hasAttribute("type"));
  EXPECT_EQ(element.attribute("type"), "");
  EXPECT_FALSE(element.hasAttribute("from"));
  EXPECT_EQ(element.attribute("to"), "a@b");
}

TEST(ElementTest, SetAttributeReplacesAndKeepsOrder) {
  Element element("iq");
  element.setAttribute("id", "1").setAttribute("type", "get").setAttribute("id", "2");
  ASSERT_EQ(element.attributes().size(), 2u);
  EXPECT_EQ(element.attributes()[0].name, "id");
  EXPECT_EQ(element.attributes()[0].value, "2");
  element.removeAttribute("id");
  EXPECT_FALSE(element.hasAttribute("id"));
  EXPECT_EQ(element.attributes().size(), 1u);
}

TEST(ElementTest, AddTextMergesAdjacentRuns) {
  Element body("body", "jabber:client");
  body.addText("hello ");
  body.addText("");
  body.addText("world");
  ASSERT_EQ(body.nodes().size(), 1u);
  body.addChild("b", "x");
  body.addText("!");
  EXPECT_EQ(body.nodes().size(), 3u);
  EXPECT_EQ(body.text(), "hello world!");
}

TEST(ElementTest, ChildLookupByNameAndNamespace) {
  Element iq("iq", "jabber:client");
  iq.addChild("query", "jabber:iq:roster").addChild("item", "jabber:iq:roster");
  iq.addChild("query", "other");
  Element& text = iq.addChild("text", "t");
  text.addText("content");

  ASSERT_NE(iq.child("query", "jabber:iq:roster"), nullptr);
  EXPECT_EQ(iq.child("query", "jabber:iq:roster")->childElements().size(), 1u);
  EXPECT_EQ(iq.child("query", "nope"), nullptr);
  EXPECT_EQ(iq.firstChildIn("other"), iq.children("query", "other").front());
  EXPECT_EQ(iq.firstChild()->xmlns(), "jabber:iq:roster");
  EXPECT_EQ(iq.childElements().size(), 3u);
  EXPECT_EQ(iq.childText("text", "t"), "content");
  EXPECT_EQ(iq.childText("missing", "t"), "");

  iq.child("query", "other")->setAttribute("k", "v");
  EXPECT_EQ(iq.child("query", "other")->attribute("k"), "v");
}

TEST(ElementTest, RemoveChildrenCountsRemoved) {
  Element message("message", "jabber:client");
  message.addChild("x", "a");
  message.addText("t");
  message.addChild("x", "a");
  message.addChild("x", "b");
  EXPECT_EQ(message.removeChildren("x", "a"), 2u);
  EXPECT_EQ(message.childElements().size(), 1u);
  EXPECT_EQ(message.text(), "t");
  message.clearChildren();
  EXPECT_TRUE(message.nodes().empty());
}

TEST(ElementTest, CopiesAreDeep) {
  Element original("a", "ns");
  original.addChild("b", "ns").setAttribute("k", "1");
  Element copy = original;
  copy.child("b", "ns")->setAttribute("k", "2");
  EXPECT_EQ(original.child("b", "ns")->attribute("k"), "1");
  EXPECT_EQ(copy.child("b", "ns")->attribute("k"), "2");

  Node node(original);
  Node nodeCopy(node);
  nodeCopy.element().setAttribute("x", "y");
  EXPECT_FALSE(node.element().hasAttribute("x"));
  nodeCopy = node;
  EXPECT_FALSE(nodeCopy.element().hasAttribute("x"));
  Node text(std::string("t"));
  EXPECT_FALSE(text.isElement());
  nodeCopy = text;
  EXPECT_FALSE(nodeCopy.isElement());
  EXPECT_EQ(nodeCopy.text(), "t");
}

}  // namespace
}  // namespace kontalk::xml
