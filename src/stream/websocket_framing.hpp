#pragma once
// The WebSocket framing (RFC 7395): every WebSocket text message is one complete, namespace
// well-formed top-level element (§3.3.3); <open/> and <close/> in urn:ietf:params:xml:ns:
// xmpp-framing open and end the stream (§3.3.1, §3.6); a stream restart is a new <open/> (§3.5).
// Each element the server writes is one text frame with its namespaces declared, stream-level
// elements with xmlns:stream (§3.3.3, §3.4).
//
// A message is read by xml::StreamParser, the server's one XML reader, so the same checks and
// limits apply as on TCP; its namespace context is jabber:client with the stream: prefix declared
// (what a TCP stream header provides), and it must hold exactly one element. Violations of RFC
// 6455 (unmasked, binary, oversized, fragmented control frames) are parse errors with the
// WebSocket close code the closing frame then carries.
//
// Threading: on the stream's shard (StreamFraming).

#include <optional>
#include <vector>

#include "net/websocket_frames.hpp"
#include "stream/stream_framing.hpp"
#include "xml/limits.hpp"

namespace kontalk::stream {

class WebSocketFraming final : public StreamFraming, private xml::StreamParserEvents {
 public:
  // Messages are bounded by the stanza limit (`limits.maxStanzaBytes`).
  WebSocketFraming(StreamFramingEvents& events, const xml::ParserLimits& limits);

  TransportKind kind() const override { return TransportKind::WebSocket; }
  void feed(std::string_view bytes, std::string& replies) override;
  void pause() override { paused_ = true; }
  void resume(std::string& replies) override;
  void restart(bool) override { opened_ = false; }
  bool isStreamOpen(const xml::Element& open) const override;
  std::string_view expectedOpen() const override {
    return "Expected <open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>.";
  }
  bool offersStartTls() const override { return false; }
  bool releaseIdleMemory() override { return parser_.releaseIdleMemory(); }

  void appendOpen(std::string& out, std::string_view id, std::string_view from,
                  std::string_view to) override;
  void appendElement(std::string& out, const xml::Element& element) override;
  void appendSerialized(std::string& out, std::string_view element) override;
  void appendClose(std::string& out) override;
  void appendKeepalive(std::string& out) override;

 private:
  // xml::StreamParserEvents of the per-message parse.
  void handleStreamOpen(const xml::Element&) override {}
  void handleStreamElement(xml::Element element) override;
  void handleStreamClose() override {}
  void handleParseError(xml::ParseError error, std::string detail) override;

  // Decodes and delivers messages until paused or out of complete frames.
  void decode(std::string& replies);
  void deliverText(std::string_view message);
  void fail(xml::ParseError error, net::WebSocketClose code, std::string detail);

  StreamFramingEvents& events_;
  net::WebSocketDecoder decoder_;
  xml::StreamParser parser_;
  // The current message's parse: its elements and the first error.
  std::vector<xml::Element> parsed_;
  std::optional<std::pair<xml::ParseError, std::string>> parseError_;
  bool opened_ = false;
  bool paused_ = false;
  bool ended_ = false;
  // The code of the close frame that ends the connection (RFC 6455 §7.4.1).
  net::WebSocketClose closeCode_ = net::WebSocketClose::Normal;
  bool closeFrameSent_ = false;
};

}  // namespace kontalk::stream
