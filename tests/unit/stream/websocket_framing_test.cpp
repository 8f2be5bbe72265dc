// The WebSocket framing of the c2s stream core (src/stream/websocket_framing.cpp, RFC 7395):
// one element per message, <open/> and <close/>, restarts, and what ends the connection.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/websocket_frames.hpp"
#include "stream/websocket_framing.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {
namespace {

class Recorder final : public StreamFramingEvents {
 public:
  void handleStreamOpen(const xml::Element& header) override {
    log.push_back("open:" + header.name() + "@" + header.xmlns());
  }
  void handleStreamElement(xml::Element element) override {
    log.push_back("element:" + element.name() + "@" + element.xmlns());
    if (framing != nullptr && pauseOnElement) framing->pause();
  }
  void handleStreamClose() override { log.push_back("close"); }
  void handleParseError(xml::ParseError error, std::string detail) override {
    log.push_back("error:" + std::to_string(static_cast<int>(error)) + ":" + detail);
  }
  void handleConnectionEnd() override { log.push_back("end"); }

  std::vector<std::string> log;
  StreamFraming* framing = nullptr;
  bool pauseOnElement = false;
};

std::string clientFrame(std::uint8_t opcode, std::string_view payload) {
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);
  if (payload.size() < 126) {  // RFC 6455 §5.2: the length in as few bytes as it needs
    frame += static_cast<char>(0x80 | payload.size());
  } else {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xFF);
  }
  frame.append(4, '\0');  // a zero mask key: the payload goes as it is
  frame.append(payload);
  return frame;
}

std::string text(std::string_view payload) {
  return clientFrame(0x1, payload);
}

constexpr std::string_view kOpen =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";

class WebSocketFramingTest : public ::testing::Test {
 protected:
  WebSocketFramingTest() : framing(events, limits()) { events.framing = &framing; }
  static xml::ParserLimits limits() {
    xml::ParserLimits limits;
    limits.maxStanzaBytes = 4096;
    return limits;
  }
  void feed(const std::string& bytes) { framing.feed(bytes, replies); }

  Recorder events;
  WebSocketFraming framing;
  std::string replies;
};

// An idle WebSocket frees its parser between messages; the next message is read as before, with
// the stream: prefix and jabber:client context the framing provides.
TEST_F(WebSocketFramingTest, ParserReleasedBetweenMessagesIsRebuilt) {
  EXPECT_FALSE(framing.releaseIdleMemory());  // nothing parsed yet
  feed(text(kOpen));
  EXPECT_TRUE(framing.releaseIdleMemory());
  feed(text("<message to='a@localhost'><body>hi</body></message>"));
  EXPECT_TRUE(framing.releaseIdleMemory());
  feed(
      text("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
           "</stream:error>"));
  EXPECT_EQ(events.log,
            (std::vector<std::string>{"open:open@urn:ietf:params:xml:ns:xmpp-framing",
                                      "element:message@jabber:client",
                                      "element:error@http://etherx.jabber.org/streams"}));
}

TEST_F(WebSocketFramingTest, OpenElementsAndClose) {
  feed(text(kOpen) +
       text("<message xmlns='jabber:client' to='a@localhost'><body>hi</body>"
            "</message>") +
       text("<enable xmlns='urn:xmpp:sm:3' resume='true'/>") +
       text("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"));
  EXPECT_EQ(events.log, (std::vector<std::string>{"open:open@urn:ietf:params:xml:ns:xmpp-framing",
                                                  "element:message@jabber:client",
                                                  "element:enable@urn:xmpp:sm:3", "close"}));
  EXPECT_TRUE(framing.isStreamOpen(xml::Element("open", ns::kFraming)));
  EXPECT_FALSE(framing.isStreamOpen(xml::Element("stream", ns::kStreams)));
}

TEST_F(WebSocketFramingTest, AnUndeclaredDefaultNamespaceIsJabberClient) {
  feed(text(kOpen) + text("<presence/>"));
  EXPECT_EQ(events.log.back(), "element:presence@jabber:client");
}

TEST_F(WebSocketFramingTest, TwoElementsInOneMessageFail) {
  feed(text(kOpen) + text("<presence/><presence/>") + text("<presence/>"));
  ASSERT_EQ(events.log.size(), 2u);
  EXPECT_EQ(events.log[1], "error:0:WebSocket message with more than one element");
}

TEST_F(WebSocketFramingTest, APartialElementFails) {
  feed(text(kOpen) + text("<message xmlns='jabber:client'><body>"));
  ASSERT_EQ(events.log.size(), 2u);
  EXPECT_EQ(events.log[1], "error:0:WebSocket message without one complete element");
}

TEST_F(WebSocketFramingTest, TextInsteadOfAnElementFails) {
  feed(text("hello"));
  ASSERT_EQ(events.log.size(), 1u);
  EXPECT_EQ(events.log[0].substr(0, 8), "error:0:");
}

TEST_F(WebSocketFramingTest, BinaryClosesWithUnsupportedData) {
  feed(text(kOpen) + clientFrame(0x2, "<presence/>"));
  ASSERT_EQ(events.log.size(), 2u);
  EXPECT_EQ(events.log[1].substr(0, 8), "error:2:");  // policy-violation
  std::string out;
  framing.appendClose(out);
  // The <close/> text frame, then a close frame with 1003 (RFC 6455 §7.4.1).
  EXPECT_EQ(out.substr(out.size() - 4), std::string("\x88\x02\x03\xEB", 4));
}

TEST_F(WebSocketFramingTest, AnOversizedMessageIsAPolicyViolation) {
  feed(text(kOpen) + text("<message>" + std::string(5000, 'a') + "</message>"));
  ASSERT_EQ(events.log.size(), 2u);
  EXPECT_EQ(events.log[1].substr(0, 8), "error:2:");
  std::string out;
  framing.appendClose(out);
  EXPECT_EQ(out.substr(out.size() - 4), std::string("\x88\x02\x03\xF1", 4));  // 1009
}

TEST_F(WebSocketFramingTest, PingIsAnsweredCloseEndsTheConnection) {
  feed(text(kOpen) + clientFrame(0x9, "p1") + clientFrame(0x8, "\x03\xE8"));
  EXPECT_EQ(events.log.back(), "end");
  EXPECT_EQ(replies, std::string("\x8A\x02p1\x88\x02\x03\xE8", 8));
}

TEST_F(WebSocketFramingTest, PauseKeepsMessagesForResume) {
  events.pauseOnElement = true;
  feed(text(kOpen) + text("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>") + text(kOpen));
  EXPECT_EQ(events.log.size(), 2u);
  // SASL success: a restart, so the next <open/> opens a new stream.
  framing.restart(false);
  framing.resume(replies);
  EXPECT_EQ(events.log.back(), "open:open@urn:ietf:params:xml:ns:xmpp-framing");
}

TEST_F(WebSocketFramingTest, WritesOneFramePerElementWithNamespaces) {
  std::string out;
  xml::Element message("message", ns::kClient);
  message.addChild("body", ns::kClient).addText("hi");
  framing.appendElement(out, message);
  const std::string payload = "<message xmlns='jabber:client'><body>hi</body></message>";
  EXPECT_EQ(out, std::string("\x81") + static_cast<char>(payload.size()) + payload);
  out.clear();
  xml::Element features("features", ns::kStreams);
  features.addChild("bind", ns::kBind);
  framing.appendElement(out, features);
  EXPECT_NE(out.find("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"),
            std::string::npos);
  out.clear();
  framing.appendOpen(out, "abc", "localhost", "");
  EXPECT_NE(out.find("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0'"),
            std::string::npos);
}

}  // namespace
}  // namespace kontalk::stream
