#include "xml/element_text.hpp"

#include <gtest/gtest.h>

#include "xml/limits.hpp"
#include "xml/serializer.hpp"

namespace kontalk::xml {
namespace {

constexpr std::string_view kClient = "jabber:client";

TEST(ElementTextTest, RoundTripsASerializedStanza) {
  Element message("message", std::string(kClient));
  message.setAttribute("to", "bob@example.net");
  message.addChild("body", std::string(kClient)).addText("<hi> & bye");
  message.addChild("request", "urn:xmpp:receipts");
  const auto parsed = parseElement(serialize(message, kClient), kClient);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->xmlns(), kClient);
  EXPECT_EQ(parsed->childText("body", kClient), "<hi> & bye");
  EXPECT_NE(parsed->child("request", "urn:xmpp:receipts"), nullptr);
  EXPECT_EQ(serialize(*parsed, kClient), serialize(message, kClient));
}

TEST(ElementTextTest, RefusesAnythingButExactlyOneWellFormedElement) {
  EXPECT_FALSE(parseElement("", kClient));
  EXPECT_FALSE(parseElement("<message>", kClient));
  EXPECT_FALSE(parseElement("<a/><b/>", kClient));
  EXPECT_FALSE(parseElement("<a><!-- no --></a>", kClient));
}

TEST(ElementTextTest, AcceptsTextLargerThanTheDefaultLimits) {
  const std::string body(ParserLimits{}.maxTextBytes + 10, 'x');
  const auto parsed = parseElement("<message><body>" + body + "</body></message>", kClient);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->childText("body", kClient).size(), body.size());
}

}  // namespace
}  // namespace kontalk::xml
