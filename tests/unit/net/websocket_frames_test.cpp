// The WebSocket frame codec (src/net/websocket_frames.cpp): what a client may send (RFC 6455
// §5: masked, fragmented, control frames in between) and what ends the connection.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/websocket_frames.hpp"

namespace kontalk::net {
namespace {

using Kind = WebSocketEvent::Kind;

// A client frame: masked with a fixed key, as RFC 6455 §5.3 requires of clients.
std::string clientFrame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                        bool masked = true) {
  std::string frame;
  frame += static_cast<char>((fin ? 0x80 : 0x00) | opcode);
  const std::uint8_t maskBit = masked ? 0x80 : 0x00;
  if (payload.size() < 126) {
    frame += static_cast<char>(maskBit | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    frame += static_cast<char>(maskBit | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xFF);
  } else {
    frame += static_cast<char>(maskBit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame += static_cast<char>((payload.size() >> shift) & 0xFF);
    }
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) frame.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    frame += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  }
  return frame;
}

std::vector<WebSocketEvent> decodeAll(WebSocketDecoder& decoder) {
  std::vector<WebSocketEvent> events;
  WebSocketEvent event;
  while (decoder.next(event)) events.push_back(event);
  return events;
}

TEST(WebSocketFrames, DecodesMaskedTextSplitAtEveryByte) {
  const std::string frame = clientFrame(0x1, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  WebSocketDecoder decoder(1024);
  std::vector<WebSocketEvent> events;
  for (char byte : frame) {
    decoder.feed(std::string_view(&byte, 1));
    for (auto& event : decodeAll(decoder)) events.push_back(event);
  }
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::Text);
  EXPECT_EQ(events[0].payload, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
}

TEST(WebSocketFrames, JoinsFragmentsAroundAPing) {
  WebSocketDecoder decoder(1024);
  decoder.feed(clientFrame(0x1, "<message>", false) + clientFrame(0x9, "hi") +
               clientFrame(0x0, "</message>", true));
  const auto events = decodeAll(decoder);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, Kind::Ping);
  EXPECT_EQ(events[0].payload, "hi");
  EXPECT_EQ(events[1].kind, Kind::Text);
  EXPECT_EQ(events[1].payload, "<message></message>");
}

TEST(WebSocketFrames, LengthsOf16And64Bits) {
  WebSocketDecoder decoder(100000);
  const std::string medium(300, 'a');
  const std::string large(70000, 'b');
  decoder.feed(clientFrame(0x1, medium) + clientFrame(0x1, large));
  const auto events = decodeAll(decoder);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].payload, medium);
  EXPECT_EQ(events[1].payload, large);
}

TEST(WebSocketFrames, RefusesBeforeBufferingAnOversizedMessage) {
  WebSocketDecoder decoder(1000);
  // Only the header of a 70000-byte frame: refused on its declared length.
  decoder.feed(clientFrame(0x1, std::string(70000, 'x')).substr(0, 14));
  const auto events = decodeAll(decoder);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::Violation);
  EXPECT_EQ(events[0].closeCode, static_cast<std::uint16_t>(WebSocketClose::MessageTooBig));
}

TEST(WebSocketFrames, FragmentsCountTowardsTheLimit) {
  WebSocketDecoder decoder(10);
  decoder.feed(clientFrame(0x1, "123456", false) + clientFrame(0x0, "78901", true));
  const auto events = decodeAll(decoder);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].closeCode, static_cast<std::uint16_t>(WebSocketClose::MessageTooBig));
}

TEST(WebSocketFrames, ProtocolViolations) {
  const std::vector<std::string> bad = {
      clientFrame(0x1, "x", true, false),                    // unmasked
      clientFrame(0x0, "x"),                                 // continuation of nothing
      clientFrame(0x3, "x"),                                 // reserved data opcode
      clientFrame(0xB, "x"),                                 // reserved control opcode
      clientFrame(0x9, "x", false),                          // fragmented ping
      clientFrame(0x9, std::string(126, 'p')),               // control frame over 125 bytes
      std::string("\xC1\x80\x01\x02\x03\x04", 6),            // RSV1 without an extension
      clientFrame(0x1, "a", false) + clientFrame(0x1, "b"),  // new message inside one
      // RFC 6455 §5.2: lengths in more bytes than needed (5 in 16 bits, 300 in 64 bits).
      std::string("\x81\xFE\x00\x05\x01\x02\x03\x04", 8) + std::string(5, 'x'),
      std::string("\x81\xFF\x00\x00\x00\x00\x00\x00\x01\x2C\x01\x02\x03\x04", 14) +
          std::string(300, 'x'),
  };
  for (const auto& bytes : bad) {
    WebSocketDecoder decoder(1024);
    decoder.feed(bytes);
    const auto events = decodeAll(decoder);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, Kind::Violation);
    EXPECT_EQ(events[0].closeCode, static_cast<std::uint16_t>(WebSocketClose::ProtocolError));
  }
}

TEST(WebSocketFrames, BinaryAndCloseAreReported) {
  WebSocketDecoder decoder(1024);
  decoder.feed(clientFrame(0x2, "\x01\x02") + clientFrame(0x8, std::string("\x03\xE9", 2) + "bye") +
               clientFrame(0x1, "after close"));
  const auto events = decodeAll(decoder);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, Kind::Binary);
  EXPECT_EQ(events[1].kind, Kind::Close);
  EXPECT_EQ(events[1].closeCode, 1001);
  EXPECT_EQ(events[1].payload, "bye");
}

TEST(WebSocketFrames, EncodesUnmaskedFinalFrames) {
  std::string out;
  appendWebSocketFrame(out, WebSocketOpcode::Text, "hi");
  EXPECT_EQ(out, std::string("\x81\x02hi", 4));
  out.clear();
  appendWebSocketFrame(out, WebSocketOpcode::Text, std::string(300, 'a'));
  EXPECT_EQ(out.substr(0, 4), std::string("\x81\x7E\x01\x2C", 4));
  EXPECT_EQ(out.size(), 304u);
  out.clear();
  appendWebSocketFrame(out, WebSocketOpcode::Text, std::string(70000, 'a'));
  EXPECT_EQ(out.substr(0, 10), std::string("\x81\x7F\x00\x00\x00\x00\x00\x01\x11\x70", 10));
  out.clear();
  appendWebSocketClose(out, WebSocketClose::MessageTooBig);
  EXPECT_EQ(out, std::string("\x88\x02\x03\xF1", 4));
}

}  // namespace
}  // namespace kontalk::net
