#include "xml/serializer.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "xml/stream_parser.hpp"

namespace kontalk::xml {
namespace {

constexpr const char* kStreamsNs = "http://etherx.jabber.org/streams";

TEST(SerializerTest, EscapesText) {
  std::string out;
  appendEscapedText(out, "a&b<c>d'e\"f\rg");
  EXPECT_EQ(out, "a&amp;b&lt;c&gt;d'e\"f&#13;g");
}

TEST(SerializerTest, EscapesAttributes) {
  std::string out;
  appendEscapedAttribute(out, "a&b<c>d'e\"f\tg\nh");
  EXPECT_EQ(out, "a&amp;b&lt;c&gt;d&apos;e&quot;f&#9;g&#10;h");
}

TEST(SerializerTest, WritesEmptyElementsAndQuotesWithApostrophe) {
  Element presence("presence", "jabber:client");
  presence.setAttribute("to", "a'b@x");
  EXPECT_EQ(serialize(presence, "jabber:client"), "<presence to='a&apos;b@x'/>");
}

TEST(SerializerTest, DeclaresNamespaceOnlyWhereItChanges) {
  Element iq("iq", "jabber:client");
  iq.setAttribute("type", "result");
  Element& query = iq.addChild("query", "jabber:iq:roster");
  query.addChild("item", "jabber:iq:roster").setAttribute("jid", "a@b");
  query.addChild("x", "");
  EXPECT_EQ(serialize(iq, "jabber:client"),
            "<iq type='result'><query xmlns='jabber:iq:roster'><item jid='a@b'/>"
            "<x xmlns=''/></query></iq>");
  EXPECT_EQ(serialize(iq).substr(0, 27), "<iq xmlns='jabber:client' t");
}

TEST(SerializerTest, WritesTextChildren) {
  Element message("message", "jabber:client");
  message.addChild("body", "jabber:client").addText("1 < 2 & 3");
  EXPECT_EQ(serialize(message, "jabber:client"),
            "<message><body>1 &lt; 2 &amp; 3</body></message>");
}

TEST(SerializerTest, StreamsNamespaceUsesPrefix) {
  Element features("features", kStreamsNs);
  features.addChild("starttls", "urn:ietf:params:xml:ns:xmpp-tls")
      .addChild("required", "urn:ietf:params:xml:ns:xmpp-tls");
  features.addChild("c", "jabber:client");
  EXPECT_EQ(serialize(features, "jabber:client"),
            "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
            "</starttls><c/></stream:features>");

  Element error("error", kStreamsNs);
  error.addChild("not-well-formed", "urn:ietf:params:xml:ns:xmpp-streams");
  EXPECT_EQ(serialize(error, "jabber:client"),
            "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            "</stream:error>");
}

TEST(SerializerTest, PrefixedAttributesAreWrittenAsStored) {
  Element message("message", "jabber:client");
  message.setAttribute("xml:lang", "en");
  message.setAttribute("k:x", "1");
  message.setAttribute("xmlns:k", "urn:k");
  message.setAttribute("xmlns", "ignored");
  EXPECT_EQ(serialize(message, "jabber:client"),
            "<message xml:lang='en' k:x='1' xmlns:k='urn:k'/>");
}

// Collects the elements of a parsed stream.
class Collector : public StreamParserEvents {
 public:
  void handleStreamOpen(const Element& opened) override { header = opened; }
  void handleStreamElement(Element element) override { elements.push_back(std::move(element)); }
  void handleStreamClose() override {}
  void handleParseError(ParseError, std::string detail) override { error = detail; }

  std::optional<Element> header;
  std::vector<Element> elements;
  std::string error;
};

TEST(SerializerTest, RoundTripsParsedStanzas) {
  const std::string stanzas[] = {
      "<message to='a@b' xml:lang='en'><body>x &amp; &lt;y&gt; 'q' \"d\"</body>"
      "<e xmlns='urn:e' k:a='1' xmlns:k='urn:k'><f/>text</e></message>",
      "<iq type='set' id='1'><query xmlns='jabber:iq:roster'><item jid='c@d'/></query></iq>",
      "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
      "<mechanism>PLAIN</mechanism></mechanisms></stream:features>",
  };
  const std::string header =
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
      "to='example.org' version='1.0'>";
  for (const std::string& stanza : stanzas) {
    Collector collector;
    StreamParser parser(collector, ParserLimits{});
    parser.feed(header + stanza);
    ASSERT_EQ(collector.error, "");
    ASSERT_EQ(collector.elements.size(), 1u);
    EXPECT_EQ(serialize(collector.elements.front(), "jabber:client"), stanza);
  }
}

TEST(SerializerTest, SerializesParsedHeader) {
  Collector collector;
  StreamParser parser(collector, ParserLimits{});
  parser.feed(
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
      "to='example.org' version='1.0'>");
  ASSERT_TRUE(collector.header.has_value());
  EXPECT_EQ(serialize(*collector.header),
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
            "to='example.org' version='1.0'/>");
}

}  // namespace
}  // namespace kontalk::xml
