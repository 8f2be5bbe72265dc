#include "net/websocket_frames.hpp"

#include <algorithm>

namespace kontalk::net {
namespace {

constexpr std::size_t kMaxControlPayload = 125;  // RFC 6455 §5.5
// Decoded bytes are dropped from the input buffer once they are this many (and at least half).
constexpr std::size_t kCompactBytes = 16 * 1024;

std::uint8_t byteAt(std::string_view bytes, std::size_t index) {
  return static_cast<std::uint8_t>(bytes[index]);
}

bool isControl(std::uint8_t opcode) {
  return (opcode & 0x8) != 0;
}

}  // namespace

bool WebSocketDecoder::fail(WebSocketEvent& event, WebSocketClose code, std::string detail) {
  ended_ = true;
  event.kind = WebSocketEvent::Kind::Violation;
  event.closeCode = static_cast<std::uint16_t>(code);
  event.payload = std::move(detail);
  return true;
}

void WebSocketDecoder::compact() {
  if (consumed_ == input_.size()) {
    input_.clear();
    consumed_ = 0;
  } else if (consumed_ >= kCompactBytes && consumed_ * 2 >= input_.size()) {
    input_.erase(0, consumed_);
    consumed_ = 0;
  }
}

bool WebSocketDecoder::next(WebSocketEvent& event) {
  while (!ended_) {
    const std::string_view rest = std::string_view(input_).substr(consumed_);
    if (rest.size() < 2) return false;
    const std::uint8_t first = byteAt(rest, 0);
    const std::uint8_t second = byteAt(rest, 1);
    const bool fin = (first & 0x80) != 0;
    const std::uint8_t opcode = first & 0x0F;
    if ((first & 0x70) != 0) {
      return fail(event, WebSocketClose::ProtocolError, "reserved bits set (no extension agreed)");
    }
    // RFC 6455 §5.1: a client masks every frame it sends; the server closes on one that is not.
    if ((second & 0x80) == 0) return fail(event, WebSocketClose::ProtocolError, "unmasked frame");
    std::uint64_t length = second & 0x7F;
    std::size_t headerBytes = 2;
    if (length == 126) {
      if (rest.size() < 4) return false;
      length = (std::uint64_t{byteAt(rest, 2)} << 8) | byteAt(rest, 3);
      headerBytes = 4;
      // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
      if (length < 126) {
        return fail(event, WebSocketClose::ProtocolError, "frame length not minimally encoded");
      }
    } else if (length == 127) {
      if (rest.size() < 10) return false;
      length = 0;
      for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byteAt(rest, i);
      headerBytes = 10;
      if ((length >> 63) != 0) {
        return fail(event, WebSocketClose::ProtocolError, "frame length with the top bit set");
      }
      if (length <= 0xFFFF) {
        return fail(event, WebSocketClose::ProtocolError, "frame length not minimally encoded");
      }
    }
    if (isControl(opcode)) {
      if (opcode != 0x8 && opcode != 0x9 && opcode != 0xA) {
        return fail(event, WebSocketClose::ProtocolError, "unknown control opcode");
      }
      if (!fin || length > kMaxControlPayload) {
        return fail(event, WebSocketClose::ProtocolError, "fragmented or oversized control frame");
      }
    } else if (opcode == 0x0) {
      if (!inMessage_) return fail(event, WebSocketClose::ProtocolError, "stray continuation");
    } else if (opcode == 0x1 || opcode == 0x2) {
      if (inMessage_) {
        return fail(event, WebSocketClose::ProtocolError, "new message inside a fragmented one");
      }
    } else {
      return fail(event, WebSocketClose::ProtocolError, "unknown data opcode");
    }
    // Bounded before buffering: the declared length decides, not the bytes that arrived.
    if (!isControl(opcode) &&
        length > maxMessageBytes_ - std::min(maxMessageBytes_, message_.size())) {
      return fail(event, WebSocketClose::MessageTooBig,
                  "message over " + std::to_string(maxMessageBytes_) + " bytes");
    }
    const std::size_t frameBytes = headerBytes + 4 + static_cast<std::size_t>(length);
    if (rest.size() < frameBytes) return false;
    const std::string_view mask = rest.substr(headerBytes, 4);
    const std::string_view data = rest.substr(headerBytes + 4, static_cast<std::size_t>(length));
    std::string payload(data);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= mask[i % 4];
    consumed_ += frameBytes;
    compact();

    if (isControl(opcode)) {
      event.payload.clear();
      event.closeCode = 0;
      if (opcode == 0x9) {
        event.kind = WebSocketEvent::Kind::Ping;
        event.payload = std::move(payload);
      } else if (opcode == 0xA) {
        event.kind = WebSocketEvent::Kind::Pong;
      } else {
        ended_ = true;
        event.kind = WebSocketEvent::Kind::Close;
        if (payload.size() == 1) {
          return fail(event, WebSocketClose::ProtocolError, "close frame of one byte");
        }
        // RFC 6455 §7.1.5: no status code in the frame reads as 1005.
        event.closeCode = 1005;
        if (payload.size() >= 2) {
          event.closeCode =
              static_cast<std::uint16_t>((byteAt(payload, 0) << 8) | byteAt(payload, 1));
          event.payload = payload.substr(2);
        }
      }
      return true;
    }
    if (opcode != 0x0) {
      inMessage_ = true;
      messageOpcode_ = static_cast<WebSocketOpcode>(opcode);
    }
    message_ += payload;
    if (!fin) continue;
    inMessage_ = false;
    event.kind = messageOpcode_ == WebSocketOpcode::Text ? WebSocketEvent::Kind::Text
                                                         : WebSocketEvent::Kind::Binary;
    event.closeCode = 0;
    event.payload = std::move(message_);
    message_.clear();
    return true;
  }
  return false;
}

void appendWebSocketFrame(std::string& out, WebSocketOpcode opcode, std::string_view payload) {
  out += static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  const std::uint64_t length = payload.size();
  if (length < 126) {
    out += static_cast<char>(length);
  } else if (length <= 0xFFFF) {
    out += static_cast<char>(126);
    out += static_cast<char>((length >> 8) & 0xFF);
    out += static_cast<char>(length & 0xFF);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out += static_cast<char>((length >> shift) & 0xFF);
    }
  }
  out.append(payload);
}

void appendWebSocketClose(std::string& out, WebSocketClose code) {
  const auto value = static_cast<std::uint16_t>(code);
  const char payload[2] = {static_cast<char>(value >> 8), static_cast<char>(value & 0xFF)};
  appendWebSocketFrame(out, WebSocketOpcode::Close, std::string_view(payload, 2));
}

}  // namespace kontalk::net
