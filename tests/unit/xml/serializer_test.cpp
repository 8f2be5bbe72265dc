#include "xml/serializer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "xml/stream_parser.hpp"

namespace kontalk::xml {
namespace {

constexpr const char* kStreamsNs = "http://etherx.jabber.org/streams";
constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";
constexpr const char* kClientHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "to='example.org' version='1.0'>";

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

// Issue 11 item 14: the parser accepts an element in the XML namespace (`<xml:x/>`: namespace-
// well-formed, and not restricted by RFC 6120 §11.1), so the serializer must be able to write it.
// Namespaces in XML 1.0 §3 binds the prefix `xml` to that namespace by definition and forbids
// declaring it as a default namespace, so the only way is the reserved prefix, without any
// declaration; like `stream:`, it leaves the children's default namespace alone.
TEST(SerializerTest, XmlNamespaceElementUsesTheReservedPrefix) {
  Element element("x", kXmlNs);
  element.setAttribute("a", "1");
  element.addChild("b", "jabber:client");
  element.addChild("c", "urn:c");
  EXPECT_EQ(serialize(element, "jabber:client"), "<xml:x a='1'><b/><c xmlns='urn:c'/></xml:x>");
}

// Parses `stanza` in a c2s stream, serializes it as the server relays it, and checks that the
// recipient's parser reads the relayed bytes as the same stanza. Returns the relayed bytes.
std::string relayed(const std::string& stanza) {
  Collector received;
  StreamParser parser(received, ParserLimits{});
  parser.feed(kClientHeader + stanza);
  EXPECT_EQ(received.error, "");
  if (received.elements.size() != 1) {
    ADD_FAILURE() << "not one stanza: " << stanza;
    return {};
  }
  const std::string bytes = serialize(received.elements.front(), "jabber:client");

  Collector recipient;
  StreamParser recipientParser(recipient, ParserLimits{});
  recipientParser.feed(kClientHeader + bytes);
  EXPECT_EQ(recipient.error, "") << bytes;
  if (recipient.elements.size() != 1) {
    ADD_FAILURE() << "the recipient read not one stanza: " << bytes;
    return bytes;
  }
  const Element& original = received.elements.front();
  const Element& read = recipient.elements.front();
  EXPECT_EQ(serialize(read, "jabber:client"), bytes);
  // The namespaces of the first two levels, where the prefixes in these tests are.
  EXPECT_EQ(read.xmlns(), original.xmlns()) << bytes;
  const auto originalChildren = original.childElements();
  const auto readChildren = read.childElements();
  EXPECT_EQ(readChildren.size(), originalChildren.size()) << bytes;
  for (std::size_t i = 0; i < std::min(readChildren.size(), originalChildren.size()); ++i) {
    EXPECT_EQ(readChildren[i]->xmlns(), originalChildren[i]->xmlns()) << bytes;
  }
  return bytes;
}

TEST(SerializerTest, RelayedXmlNamespaceElementParsesAgain) {
  const std::string stanza =
      "<message to='a@b'><xml:x xml:lang='en'><body>hi</body></xml:x></message>";
  EXPECT_EQ(relayed(stanza), stanza);
}

// Found by tests/fuzz (xml_stream): a peer may rebind the `stream` prefix on an element; an
// element in the streams namespace inside it must then declare its namespace, or the recipient
// reads it in the rebound one.
TEST(SerializerTest, StreamsNamespaceElementWhereStreamPrefixIsRebound) {
  EXPECT_EQ(relayed("<message><q:error xmlns:q='http://etherx.jabber.org/streams' "
                    "xmlns:stream='urn:x' stream:a='1'/></message>"),
            "<message><error xmlns='http://etherx.jabber.org/streams' stream:a='1' "
            "xmlns:stream='urn:x'/></message>");
  EXPECT_EQ(relayed("<message xmlns:stream='urn:x' stream:a='1'>"
                    "<q:error xmlns:q='http://etherx.jabber.org/streams'><text/></q:error>"
                    "</message>"),
            "<message stream:a='1' xmlns:stream='urn:x'><error "
            "xmlns='http://etherx.jabber.org/streams'><text xmlns='jabber:client'/></error>"
            "</message>");
  // Rebinding it back to the streams namespace makes the prefix usable again.
  EXPECT_EQ(
      relayed("<message xmlns:stream='urn:x' stream:a='1'><b xmlns:stream="
              "'http://etherx.jabber.org/streams' stream:c='2'><stream:error/></b></message>"),
      "<message stream:a='1' xmlns:stream='urn:x'><b stream:c='2' "
      "xmlns:stream='http://etherx.jabber.org/streams'><stream:error/></b></message>");
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
