#pragma once
// The WebSocket framing of RFC 6455 §5 as the server end sees it: a decoder for what a client
// sends (masked frames, fragmented messages, control frames interleaved) and an encoder for what
// the server sends (unmasked, one frame per message). No extension is negotiated, so every RSV
// bit must be clear. The decoder holds at most one message: `maxMessageBytes` bounds it before
// its bytes are buffered (a length header alone can ask for 2^63 bytes).
//
// Threading: a decoder belongs to one connection and is used from that connection's shard only;
// the encoder functions are pure.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kontalk::net {

// RFC 6455 §7.4.1 status codes the server sends.
enum class WebSocketClose : std::uint16_t {
  Normal = 1000,
  GoingAway = 1001,
  ProtocolError = 1002,
  UnsupportedData = 1003,  // a binary message where only text is accepted (RFC 7395 §3.2)
  InvalidPayload = 1007,
  PolicyViolation = 1008,
  MessageTooBig = 1009,
};

enum class WebSocketOpcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// One thing the decoder found: a complete message (text or binary, fragments joined), a control
// frame, or a violation that ends the connection with `closeCode`.
struct WebSocketEvent {
  enum class Kind { Text, Binary, Ping, Pong, Close, Violation };
  Kind kind = Kind::Text;
  std::string payload;  // the message; a ping's data; a close frame's reason; a violation's detail
  std::uint16_t closeCode = 0;  // Close: the peer's (1005 when it sent none); Violation: ours
};

class WebSocketDecoder {
 public:
  explicit WebSocketDecoder(std::size_t maxMessageBytes) : maxMessageBytes_(maxMessageBytes) {}

  // Appends bytes read from the peer (the decoder keeps what does not yet form a frame).
  void feed(std::string_view bytes) { input_.append(bytes); }
  // The next complete event, if the bytes fed so far hold one. After a Violation or a Close
  // nothing further is decoded.
  bool next(WebSocketEvent& event);

 private:
  bool fail(WebSocketEvent& event, WebSocketClose code, std::string detail);
  void compact();

  std::size_t maxMessageBytes_;
  std::string input_;
  std::size_t consumed_ = 0;  // decoded prefix of input_
  std::string message_;       // fragments of the message being assembled
  bool inMessage_ = false;
  WebSocketOpcode messageOpcode_ = WebSocketOpcode::Text;
  bool ended_ = false;
};

// Appends one unmasked final frame (RFC 6455 §5.2; servers do not mask, §5.1).
void appendWebSocketFrame(std::string& out, WebSocketOpcode opcode, std::string_view payload);
// Appends a close frame with `code` (RFC 6455 §5.5.1).
void appendWebSocketClose(std::string& out, WebSocketClose code);

}  // namespace kontalk::net
