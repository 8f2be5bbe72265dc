#include "xml/stream_parser.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "xml/serializer.hpp"

namespace kontalk::xml {
namespace {

const std::string kHeader =
    "<?xml version='1.0'?>"
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "to='example.org' version='1.0' xml:lang='en'>";

const char* errorName(ParseError error) {
  switch (error) {
    case ParseError::NotWellFormed:
      return "not-well-formed";
    case ParseError::RestrictedXml:
      return "restricted-xml";
    case ParseError::PolicyViolation:
      return "policy-violation";
    case ParseError::BadNamespacePrefix:
      return "bad-namespace-prefix";
  }
  return "?";
}

// Records every event as a line of text; optional hooks let a test act from inside a handler.
class Recorder : public StreamParserEvents {
 public:
  void handleStreamOpen(const Element& header) override {
    events.push_back("open " + serialize(header));
    if (onOpen) onOpen(header);
  }
  void handleStreamElement(Element element) override {
    events.push_back("element " + serialize(element, "jabber:client"));
    if (onElement) onElement(element);
  }
  void handleStreamClose() override { events.push_back("close"); }
  void handleParseError(ParseError error, std::string detail) override {
    events.push_back(std::string("error ") + errorName(error));
    errors.push_back(error);
    details.push_back(std::move(detail));
  }

  std::vector<std::string> events;
  std::vector<ParseError> errors;
  std::vector<std::string> details;
  std::function<void(const Element&)> onOpen;
  std::function<void(const Element&)> onElement;
};

std::vector<std::string> parseWhole(const std::string& input, ParserLimits limits = {}) {
  Recorder recorder;
  StreamParser parser(recorder, limits);
  parser.feed(input);
  return recorder.events;
}

// Feeds `input` and returns the single error it must cause.
ParseError expectError(const std::string& input, ParserLimits limits = {}) {
  Recorder recorder;
  StreamParser parser(recorder, limits);
  parser.feed(input);
  EXPECT_TRUE(parser.failed()) << input;
  EXPECT_EQ(recorder.errors.size(), 1u) << input;
  return recorder.errors.empty() ? ParseError::NotWellFormed : recorder.errors.front();
}

const std::string kRealisticStream =
    kHeader +
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>"
    " \n\t "
    "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
    "<resource>phone\xc3\xa9</resource></bind></iq>\n"
    "<message to='bob@example.org' id='m1' type='chat' xml:lang='de'>"
    "<body>Hallo &amp; &lt;tsch\xc3\xbc\x73s&gt; &#x263A; <![CDATA[<raw>]]></body>"
    "<e:encrypted xmlns:e='urn:ietf:params:xml:ns:xmpp-e2e' e:kind='pgp'>"
    "-----BEGIN PGP MESSAGE-----\nabc\r\ndef\n-----END PGP MESSAGE-----</e:encrypted>"
    "<request xmlns='urn:xmpp:receipts'/>"
    "<x xmlns='jabber:x:data' type='form'><field var='a'><value>1</value></field></x>"
    "</message>"
    "  "
    "<presence><show>away</show><c xmlns='http://jabber.org/protocol/caps' "
    "hash='sha-1' node='http://kontalk.org' ver='abc='/></presence>"
    " "
    "</stream:stream>";

TEST(StreamParserTest, ParsesRealisticStream) {
  std::vector<std::string> events = parseWhole(kRealisticStream);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0],
            "open <stream:stream xmlns='jabber:client' "
            "xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0' "
            "xml:lang='en'/>");
  EXPECT_EQ(events[1],
            "element <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
            "mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
  EXPECT_EQ(events[2],
            "element <iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            "<resource>phone\xc3\xa9</resource></bind></iq>");
  EXPECT_EQ(events[3],
            "element <message to='bob@example.org' id='m1' type='chat' xml:lang='de'>"
            "<body>Hallo &amp; &lt;tsch\xc3\xbcss&gt; \xe2\x98\xba &lt;raw&gt;</body>"
            "<encrypted xmlns='urn:ietf:params:xml:ns:xmpp-e2e' e:kind='pgp' "
            "xmlns:e='urn:ietf:params:xml:ns:xmpp-e2e'>"
            "-----BEGIN PGP MESSAGE-----\nabc\ndef\n-----END PGP MESSAGE-----</encrypted>"
            "<request xmlns='urn:xmpp:receipts'/>"
            "<x xmlns='jabber:x:data' type='form'><field var='a'><value>1</value></field></x>"
            "</message>");
  EXPECT_EQ(events[4],
            "element <presence><show>away</show><c xmlns='http://jabber.org/protocol/caps' "
            "hash='sha-1' node='http://kontalk.org' ver='abc='/></presence>");
  EXPECT_EQ(events[5], "close");
}

TEST(StreamParserTest, SplitAtEveryByteGivesSameEvents) {
  const std::vector<std::string> expected = parseWhole(kRealisticStream);
  for (std::size_t split = 0; split <= kRealisticStream.size(); ++split) {
    Recorder recorder;
    StreamParser parser(recorder, ParserLimits{});
    parser.feed(std::string_view(kRealisticStream).substr(0, split));
    parser.feed(std::string_view(kRealisticStream).substr(split));
    ASSERT_EQ(recorder.events, expected) << "split at " << split;
  }
}

TEST(StreamParserTest, ByteByByteGivesSameEvents) {
  const std::vector<std::string> expected = parseWhole(kRealisticStream);
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  for (char c : kRealisticStream) parser.feed(std::string_view(&c, 1));
  EXPECT_EQ(recorder.events, expected);
}

TEST(StreamParserTest, ElementsCarryNamespacesNotPrefixes) {
  Recorder recorder;
  Element last("none");
  recorder.onElement = [&](const Element& element) { last = element; };
  StreamParser parser(recorder, ParserLimits{});
  parser.feed(kHeader +
              "<p:message xmlns:p='jabber:client' xmlns:q='urn:q' q:attr='v' xml:lang='fr'>"
              "<q:child/></p:message>");
  ASSERT_EQ(recorder.events.size(), 2u);
  EXPECT_TRUE(last.is("message", "jabber:client"));
  EXPECT_EQ(last.attribute("q:attr"), "v");
  EXPECT_EQ(last.attribute("xmlns:q"), "urn:q");
  EXPECT_EQ(last.attribute("xml:lang"), "fr");
  EXPECT_FALSE(last.hasAttribute("xmlns:p"));  // only declarations that attributes need are kept
  EXPECT_NE(last.child("child", "urn:q"), nullptr);
}

TEST(StreamParserTest, HeaderCarriesNamespaceDeclarations) {
  Recorder recorder;
  Element header("none");
  recorder.onOpen = [&](const Element& element) { header = element; };
  StreamParser parser(recorder, ParserLimits{});
  parser.feed(kHeader);
  EXPECT_TRUE(header.is("stream", "http://etherx.jabber.org/streams"));
  EXPECT_EQ(header.attribute("xmlns"), "jabber:client");
  EXPECT_EQ(header.attribute("xmlns:stream"), "http://etherx.jabber.org/streams");
  EXPECT_EQ(header.attribute("to"), "example.org");
  EXPECT_EQ(header.attribute("xml:lang"), "en");
}

TEST(StreamParserTest, RejectsTextBetweenStanzas) {
  EXPECT_EQ(expectError(kHeader + "<presence/>hello<presence/>"), ParseError::NotWellFormed);
  EXPECT_EQ(expectError(kHeader + "x"), ParseError::NotWellFormed);
}

TEST(StreamParserTest, RejectsRestrictedXml) {
  EXPECT_EQ(expectError(kHeader + "<message><!-- c --></message>"), ParseError::RestrictedXml);
  EXPECT_EQ(expectError(kHeader + "<!-- between -->"), ParseError::RestrictedXml);
  EXPECT_EQ(expectError("<!-- before -->" + kHeader), ParseError::RestrictedXml);
  EXPECT_EQ(expectError(kHeader + "<message><?pi data?></message>"), ParseError::RestrictedXml);
  EXPECT_EQ(expectError("<?xml version='1.0'?><?pi x?>" + kHeader), ParseError::RestrictedXml);
  EXPECT_EQ(expectError("<!DOCTYPE stream>" + kHeader.substr(21)), ParseError::RestrictedXml);
  EXPECT_EQ(expectError("<!DOCTYPE s [<!ENTITY e 'x'>]><s>&e;</s>"), ParseError::RestrictedXml);
  EXPECT_EQ(expectError("<!DOCTYPE s SYSTEM 'http://example.org/x.dtd'><s/>"),
            ParseError::RestrictedXml);
  const std::string billionLaughs =
      "<!DOCTYPE lolz [<!ENTITY lol 'lol'>"
      "<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
      "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
      "<lolz>&lol3;</lolz>";
  EXPECT_EQ(expectError(billionLaughs), ParseError::RestrictedXml);
}

TEST(StreamParserTest, RejectsMalformedInput) {
  EXPECT_EQ(expectError(kHeader + "<message></iq>"), ParseError::NotWellFormed);
  EXPECT_EQ(expectError(kHeader + "<message>&undefined;</message>"), ParseError::NotWellFormed);
  EXPECT_EQ(expectError(kHeader + "<message a='1' a='2'/>"), ParseError::NotWellFormed);
  EXPECT_EQ(expectError(kHeader + "<message><body>\xff\xfe</body></message>"),
            ParseError::NotWellFormed);
  EXPECT_EQ(expectError(kHeader + "<message><body>\xc3(</body></message>"),
            ParseError::NotWellFormed);
  EXPECT_EQ(expectError("garbage "), ParseError::NotWellFormed);
  EXPECT_EQ(expectError(" <?xml version='1.0'?>" + kHeader.substr(21)), ParseError::NotWellFormed);
  EXPECT_EQ(expectError("<?xml version='1.0' encoding='ISO-8859-1'?><s>"),
            ParseError::NotWellFormed);
}

// RFC 6120 §11.6: a stream is UTF-8. Expat guesses UTF-16 from a NUL byte at the start of a
// document even when told UTF-8, so "\t\0" fed whole parsed as UTF-16 whitespace while fed byte by
// byte it failed (found by the xml_stream fuzzer). A NUL byte is never legal XML: it fails the
// stream wherever it appears, however the input is split, after every element before it.
TEST(StreamParserTest, NulByteFailsTheStreamAtEverySplit) {
  const std::string utf16Header("<\0s\0t\0r\0e\0a\0m\0>\0", 16);
  const std::string inputs[] = {
      std::string("\t\0", 2),
      std::string("\xff\xfe", 2) + utf16Header,
      utf16Header,
      kHeader + "<message/>" + std::string("<iq\0/>", 6),
      kHeader + "<message/>" + std::string(" \0", 2),
  };
  for (const std::string& input : inputs) {
    for (std::size_t split = 0; split <= input.size(); ++split) {
      Recorder recorder;
      StreamParser parser(recorder, {});
      parser.feed(input.substr(0, split));
      parser.feed(input.substr(split));
      ASSERT_TRUE(parser.failed()) << "split " << split << " of " << input.size();
      ASSERT_EQ(recorder.errors.size(), 1u);
      EXPECT_EQ(recorder.errors.front(), ParseError::NotWellFormed);
      const bool afterHeader = input.starts_with(kHeader);
      EXPECT_EQ(recorder.events.size(), afterHeader ? 3u : 1u) << "split " << split;
    }
  }
}

TEST(StreamParserTest, RejectsUnboundPrefix) {
  EXPECT_EQ(expectError(kHeader + "<foo:message/>"), ParseError::BadNamespacePrefix);
  EXPECT_EQ(expectError(kHeader + "<message foo:a='1'/>"), ParseError::BadNamespacePrefix);
  EXPECT_EQ(expectError("<stream:stream xmlns='jabber:client'>"), ParseError::BadNamespacePrefix);
}

// --- limits --------------------------------------------------------------------------------

void expectPolicyViolation(const std::string& input, ParserLimits limits, const char* limitName) {
  Recorder recorder;
  StreamParser parser(recorder, limits);
  parser.feed(input);
  ASSERT_EQ(recorder.errors.size(), 1u) << input;
  EXPECT_EQ(recorder.errors.front(), ParseError::PolicyViolation);
  EXPECT_NE(recorder.details.front().find(limitName), std::string::npos)
      << recorder.details.front();
}

TEST(StreamParserTest, LimitsAllowExactlyTheBound) {
  ParserLimits limits;
  limits.maxDepth = 2;
  limits.maxAttributes = 2;
  limits.maxTextBytes = 3;
  limits.maxChildren = 2;
  limits.maxNameBytes = 5;
  const std::string header = "<s xmlns='u'>";  // "xmlns" is the longest name here
  const std::string stanza = "<abcde a='1' b='2'><c>abc</c><d/></abcde>";
  limits.maxStanzaBytes = stanza.size();
  std::vector<std::string> events = parseWhole(header + stanza, limits);
  ASSERT_EQ(events.size(), 2u) << events.back();
  EXPECT_EQ(events[1], "element <abcde xmlns='u' a='1' b='2'><c>abc</c><d/></abcde>");
  // One byte less for any bound fails.
  for (std::size_t ParserLimits::*bound :
       {&ParserLimits::maxDepth, &ParserLimits::maxAttributes, &ParserLimits::maxTextBytes,
        &ParserLimits::maxChildren, &ParserLimits::maxNameBytes, &ParserLimits::maxStanzaBytes}) {
    ParserLimits tighter = limits;
    --(tighter.*bound);
    EXPECT_EQ(parseWhole(header + stanza, tighter).back(), "error policy-violation");
  }
}

TEST(StreamParserTest, StanzaBytesLimit) {
  ParserLimits limits;
  limits.maxStanzaBytes = 100;
  expectPolicyViolation(kHeader + "<message><body>" + std::string(100, 'x') + "</body></message>",
                        limits, "maxStanzaBytes");
}

TEST(StreamParserTest, StanzaBytesLimitCatchesNeverEndingStanzaWhileFeeding) {
  ParserLimits limits;
  limits.maxStanzaBytes = 1000;
  Recorder recorder;
  StreamParser parser(recorder, limits);
  parser.feed(kHeader + "<message><body>");
  for (int i = 0; i < 100 && !parser.failed(); ++i) parser.feed(std::string(50, 'x'));
  ASSERT_TRUE(parser.failed());
  EXPECT_EQ(recorder.errors.front(), ParseError::PolicyViolation);
}

TEST(StreamParserTest, StanzaBytesLimitCatchesNeverEndingStartTag) {
  ParserLimits limits;
  limits.maxStanzaBytes = 1000;
  Recorder recorder;
  StreamParser parser(recorder, limits);
  parser.feed(kHeader + "<message a='");
  for (int i = 0; i < 100 && !parser.failed(); ++i) parser.feed(std::string(50, 'x'));
  ASSERT_TRUE(parser.failed());
  EXPECT_EQ(recorder.errors.front(), ParseError::PolicyViolation);
}

TEST(StreamParserTest, StanzaBytesLimitBoundsHeader) {
  ParserLimits limits;
  limits.maxStanzaBytes = 100;
  expectPolicyViolation("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='" +
                            std::string(100, 'x') + "'>",
                        limits, "maxStanzaBytes");
}

TEST(StreamParserTest, WhitespaceKeepalivesDoNotCountTowardsStanzaBytes) {
  ParserLimits limits;
  limits.maxStanzaBytes = 20;
  Recorder recorder;
  StreamParser smallParser(recorder, limits);
  smallParser.feed("<s:s xmlns:s='u'>");
  for (int i = 0; i < 100; ++i) smallParser.feed(" \n");
  smallParser.feed("<presence/>");
  EXPECT_FALSE(smallParser.failed());
  EXPECT_EQ(recorder.events.back(), "element <presence xmlns=''/>");
}

TEST(StreamParserTest, DepthLimit) {
  ParserLimits limits;
  limits.maxDepth = 3;
  EXPECT_EQ(parseWhole(kHeader + "<a><b><c/></b></a>", limits).size(), 2u);
  expectPolicyViolation(kHeader + "<a><b><c><d/></c></b></a>", limits, "maxDepth");
}

TEST(StreamParserTest, AttributeLimitCountsNamespaceDeclarations) {
  ParserLimits limits;
  limits.maxAttributes = 2;
  expectPolicyViolation(kHeader + "<a a='1' b='2' c='3'/>", limits, "maxAttributes");
  expectPolicyViolation(kHeader + "<a xmlns='x' xmlns:y='y' b='2'/>", limits, "maxAttributes");
  expectPolicyViolation(kHeader + "<a><b a='1' b='2' c='3'/></a>", limits, "maxAttributes");
  // The header has 5 attributes including its namespace declarations.
  limits.maxAttributes = 4;
  expectPolicyViolation(kHeader, limits, "maxAttributes");
}

TEST(StreamParserTest, TextLimit) {
  ParserLimits limits;
  limits.maxTextBytes = 10;
  expectPolicyViolation(kHeader + "<a>" + std::string(11, 'x') + "</a>", limits, "maxTextBytes");
  // Counted per element, including text split around children.
  expectPolicyViolation(kHeader + "<a>123456<b/>78901</a>", limits, "maxTextBytes");
  EXPECT_EQ(parseWhole(kHeader + "<a>1234567890<b>1234567890</b></a>", limits).size(), 2u);
}

TEST(StreamParserTest, ChildrenLimit) {
  ParserLimits limits;
  limits.maxChildren = 3;
  EXPECT_EQ(parseWhole(kHeader + "<a><b/><b/><b/></a>", limits).size(), 2u);
  expectPolicyViolation(kHeader + "<a><b/><b/><b/><b/></a>", limits, "maxChildren");
}

TEST(StreamParserTest, NameLimit) {
  ParserLimits limits;
  limits.maxNameBytes = 8;
  expectPolicyViolation(kHeader + "<abcdefghi/>", limits, "maxNameBytes");
  expectPolicyViolation(kHeader + "<a abcdefghi='1'/>", limits, "maxNameBytes");
  expectPolicyViolation(kHeader + "<a xmlns:pre='u' pre:abcde='1'/>", limits, "maxNameBytes");
  limits.maxNameBytes = 6;
  expectPolicyViolation("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>", limits,
                        "maxNameBytes");
}

// --- errors are final ----------------------------------------------------------------------

TEST(StreamParserTest, NothingFollowsAnErrorUntilReset) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  parser.feed(kHeader + "<a></b><presence/>");
  parser.feed("<presence/>");
  EXPECT_TRUE(parser.failed());
  EXPECT_EQ(recorder.events.size(), 2u);  // open, error
  parser.reset();
  EXPECT_FALSE(parser.failed());
  parser.feed(kHeader + "<presence/>");
  EXPECT_EQ(recorder.events.size(), 4u);
  EXPECT_EQ(recorder.events.back(), "element <presence/>");
}

TEST(StreamParserTest, IgnoresInputAfterStreamClose) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  parser.feed(kHeader + "</stream:stream><garbage");
  parser.feed("more garbage");
  EXPECT_FALSE(parser.failed());
  EXPECT_EQ(recorder.events.back(), "close");
  EXPECT_EQ(recorder.events.size(), 2u);
}

// --- pause, resume, reset ------------------------------------------------------------------

const std::string kSecondHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "to='second.example.org' version='1.0'>";

TEST(StreamParserTest, PauseKeepsRestUntilResume) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  recorder.onElement = [&](const Element&) { parser.pause(); };
  parser.feed(kHeader + "<a/><b/>");
  EXPECT_TRUE(parser.paused());
  EXPECT_EQ(recorder.events.back(), "element <a/>");
  parser.feed("<c/>");  // buffered while paused
  EXPECT_EQ(recorder.events.size(), 2u);
  parser.resume();  // parses <b/>, pauses again
  EXPECT_EQ(recorder.events.back(), "element <b/>");
  recorder.onElement = nullptr;
  parser.resume();
  EXPECT_FALSE(parser.paused());
  EXPECT_EQ(recorder.events.back(), "element <c/>");
  EXPECT_EQ(recorder.events.size(), 4u);
}

TEST(StreamParserTest, ResumeWithoutPauseIsNoOp) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  parser.resume();
  parser.feed(kHeader);
  parser.resume();
  EXPECT_EQ(recorder.events.size(), 1u);
}

TEST(StreamParserTest, SaslRestartInSameFeedAtEverySplit) {
  const std::string input = kHeader +
                            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                            "mechanism='PLAIN'>AGEAYg==</auth>" +
                            kSecondHeader + "<iq type='set' id='1'/>";
  for (std::size_t split = 0; split <= input.size(); ++split) {
    Recorder recorder;
    StreamParser parser(recorder, ParserLimits{});
    recorder.onElement = [&](const Element& element) {
      if (element.name() == "auth") parser.pause();
    };
    parser.feed(std::string_view(input).substr(0, split));
    parser.feed(std::string_view(input).substr(split));
    ASSERT_TRUE(parser.paused()) << split;
    ASSERT_EQ(recorder.events.size(), 2u) << split;
    parser.reset();  // the SASL exchange succeeded: RFC 6120 §6.4.6 stream restart
    parser.resume();
    ASSERT_EQ(recorder.events.size(), 4u) << split;
    EXPECT_NE(recorder.events[2].find("second.example.org"), std::string::npos);
    EXPECT_EQ(recorder.events[3], "element <iq type='set' id='1'/>");
  }
}

TEST(StreamParserTest, ResetFromInsideHandlerContinuesWithNewStream) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  recorder.onElement = [&](const Element& element) {
    if (element.name() == "auth") parser.reset();
  };
  parser.feed(kHeader + "<auth/>" + kSecondHeader + "<presence/>");
  ASSERT_EQ(recorder.events.size(), 4u);
  EXPECT_NE(recorder.events[2].find("second.example.org"), std::string::npos);
  EXPECT_EQ(recorder.events[3], "element <presence/>");
}

TEST(StreamParserTest, PauseAndResetFromInsideHandlerWaitsForResume) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  recorder.onElement = [&](const Element& element) {
    if (element.name() != "auth") return;
    parser.pause();
    parser.reset();
  };
  parser.feed(kHeader + "<auth/>" + kSecondHeader);
  EXPECT_TRUE(parser.paused());
  ASSERT_EQ(recorder.events.size(), 2u);
  parser.resume();
  ASSERT_EQ(recorder.events.size(), 3u);
  EXPECT_NE(recorder.events[2].find("second.example.org"), std::string::npos);
}

TEST(StreamParserTest, FeedAfterResetParsesKeptRestFirst) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  recorder.onElement = [&](const Element&) { parser.pause(); };
  parser.feed(kHeader + "<auth/>" + kSecondHeader.substr(0, 20));
  parser.reset();
  EXPECT_FALSE(parser.paused());
  parser.feed(kSecondHeader.substr(20));
  ASSERT_EQ(recorder.events.size(), 3u);
  EXPECT_NE(recorder.events[2].find("second.example.org"), std::string::npos);
}

TEST(StreamParserTest, StartTlsDiscardsPlaintextRest) {
  for (bool insideHandler : {false, true}) {
    Recorder recorder;
    StreamParser parser(recorder, ParserLimits{});
    recorder.onElement = [&](const Element&) {
      parser.pause();
      if (insideHandler) {
        parser.discardPending();
        parser.reset();
      }
    };
    parser.feed(kHeader + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><injected/>");
    if (insideHandler) {
      EXPECT_TRUE(parser.paused());
      parser.resume();  // the TLS handshake is done
    } else {
      parser.reset();
      parser.discardPending();
    }
    recorder.onElement = nullptr;
    parser.feed(kSecondHeader + "<presence/>");
    ASSERT_EQ(recorder.events.size(), 4u) << insideHandler;
    EXPECT_NE(recorder.events[2].find("second.example.org"), std::string::npos);
    EXPECT_EQ(recorder.events[3], "element <presence/>");
  }
}

TEST(StreamParserTest, PauseOnHeader) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  recorder.onOpen = [&](const Element&) { parser.pause(); };
  parser.feed(kHeader + "<presence/>");
  EXPECT_EQ(recorder.events.size(), 1u);
  parser.resume();
  EXPECT_EQ(recorder.events.size(), 2u);
}

TEST(StreamParserTest, LargeFeedIsParsedAcrossSlices) {
  std::string input = kHeader;
  for (int i = 0; i < 2000; ++i) input += "<message id='" + std::to_string(i) + "'/> ";
  std::vector<std::string> events = parseWhole(input);
  ASSERT_EQ(events.size(), 2001u);
  EXPECT_EQ(events.back(), "element <message id='1999'/>");

  // Pausing in the middle of a large feed keeps the right rest.
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  recorder.onElement = [&](const Element&) { parser.pause(); };
  parser.feed(input);
  int resumes = 0;
  while (parser.paused()) {
    parser.resume();
    ++resumes;
  }
  EXPECT_EQ(recorder.events, events);
  EXPECT_EQ(resumes, 2000);
}

// An idle connection's parser is released and rebuilt (releaseIdleMemory): the events must be
// exactly those of an uninterrupted parse wherever the release lands.
TEST(StreamParserTest, ReleasingIdleMemoryAtEverySplitGivesSameEvents) {
  const std::vector<std::string> expected = parseWhole(kRealisticStream);
  std::size_t released = 0;
  for (std::size_t split = 0; split <= kRealisticStream.size(); ++split) {
    Recorder recorder;
    StreamParser parser(recorder, ParserLimits{});
    parser.feed(std::string_view(kRealisticStream).substr(0, split));
    if (parser.releaseIdleMemory()) ++released;
    parser.feed(std::string_view(kRealisticStream).substr(split));
    ASSERT_EQ(recorder.events, expected) << "split at " << split;
  }
  // Between the top-level elements (and around the whitespace between them), never inside one.
  EXPECT_GE(released, 10u);
  EXPECT_LT(released, 40u);
}

TEST(StreamParserTest, ReleasingIdleMemoryAfterEveryByteGivesSameEvents) {
  const std::vector<std::string> expected = parseWhole(kRealisticStream);
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  for (char c : kRealisticStream) {
    parser.feed(std::string_view(&c, 1));
    parser.releaseIdleMemory();
  }
  EXPECT_EQ(recorder.events, expected);
}

TEST(StreamParserTest, ReleaseOnlyBetweenElements) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  EXPECT_FALSE(parser.releaseIdleMemory());  // no stream header yet
  parser.feed(kHeader + "<message><body>hi");
  EXPECT_FALSE(parser.releaseIdleMemory());  // inside a stanza
  parser.feed("</body></message><pres");
  EXPECT_FALSE(parser.releaseIdleMemory());  // expat holds a partial start tag
  parser.feed("ence/>");
  EXPECT_TRUE(parser.releaseIdleMemory());
  EXPECT_FALSE(parser.releaseIdleMemory());  // already released
  recorder.onElement = [&](const Element&) {
    EXPECT_FALSE(parser.releaseIdleMemory());  // inside a handler
    parser.pause();
  };
  parser.feed("<a/><b/>");
  EXPECT_FALSE(parser.releaseIdleMemory());  // paused with <b/> kept
  recorder.onElement = nullptr;
  parser.resume();
  EXPECT_TRUE(parser.releaseIdleMemory());
  parser.feed("</stream:stream>");
  EXPECT_FALSE(parser.releaseIdleMemory());  // closed
  ASSERT_EQ(recorder.events.size(), 6u);
  EXPECT_EQ(recorder.events[5], "close");
}

// The rebuilt parser knows the header's namespace declarations (prefixes, a default namespace, a
// URI that needs escaping) and nothing more, and the stream's end tag must still match its start.
TEST(StreamParserTest, ReleasedParserKeepsTheStreamsNamespaces) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  parser.feed(
      "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams' "
      "xmlns:q=\"urn:a'&amp;&lt;b\" to='example.org'>");
  ASSERT_TRUE(parser.releaseIdleMemory());
  parser.feed("<q:x/>");
  ASSERT_TRUE(parser.releaseIdleMemory());
  parser.feed("<s:features/>");
  ASSERT_TRUE(parser.releaseIdleMemory());
  parser.feed("<message/></s:stream>");
  ASSERT_EQ(recorder.events.size(), 5u);
  EXPECT_EQ(recorder.events[1], "element <x xmlns='urn:a&apos;&amp;&lt;b'/>");
  EXPECT_EQ(recorder.events[2], "element <stream:features/>");
  EXPECT_EQ(recorder.events[3], "element <message/>");
  EXPECT_EQ(recorder.events[4], "close");

  Recorder unbound;
  StreamParser strict(unbound, ParserLimits{});
  strict.feed(kHeader + "<a/>");
  ASSERT_TRUE(strict.releaseIdleMemory());
  strict.feed("<p:x/>");
  ASSERT_EQ(unbound.errors.size(), 1u);
  EXPECT_EQ(unbound.errors.front(), ParseError::BadNamespacePrefix);

  Recorder mismatched;
  StreamParser wrongEnd(mismatched, ParserLimits{});
  wrongEnd.feed(kHeader + "<a/>");
  ASSERT_TRUE(wrongEnd.releaseIdleMemory());
  wrongEnd.feed("</stream>");
  ASSERT_EQ(mismatched.errors.size(), 1u);
  EXPECT_EQ(mismatched.errors.front(), ParseError::NotWellFormed);
}

// The stanza-size bound counts the client's bytes, not the rebuilt parser's context header.
TEST(StreamParserTest, ReleasedParserKeepsExactStanzaBytes) {
  const std::string stanza =
      "<message to='a@b'><body>" + std::string(40, 'x') + "</body></message>";
  for (std::size_t bound : {stanza.size(), stanza.size() - 1}) {
    ParserLimits limits;
    limits.maxStanzaBytes = bound;
    Recorder recorder;
    StreamParser parser(recorder, limits);
    parser.feed("<s:s xmlns:s='u' xmlns='jabber:client'> ");  // shorter than the stanza
    ASSERT_TRUE(parser.releaseIdleMemory());
    parser.feed(stanza);
    ASSERT_TRUE(parser.releaseIdleMemory() != parser.failed());
    parser.feed(stanza);
    if (bound == stanza.size()) {
      EXPECT_FALSE(parser.failed());
      EXPECT_EQ(recorder.events.size(), 3u);
    } else {
      ASSERT_EQ(recorder.errors.size(), 1u);
      EXPECT_EQ(recorder.errors.front(), ParseError::PolicyViolation);
    }
  }
}

// A stream restart after a release parses a new header as usual.
TEST(StreamParserTest, ResetAfterReleaseStartsANewStream) {
  Recorder recorder;
  StreamParser parser(recorder, ParserLimits{});
  parser.feed(kHeader + "<a/>");
  ASSERT_TRUE(parser.releaseIdleMemory());
  parser.reset();
  parser.feed(kHeader + "<b/>");
  ASSERT_EQ(recorder.events.size(), 4u);
  EXPECT_EQ(recorder.events[2].substr(0, 5), "open ");
  EXPECT_EQ(recorder.events[3], "element <b/>");
}

}  // namespace
}  // namespace kontalk::xml
