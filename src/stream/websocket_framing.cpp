#include "stream/websocket_framing.hpp"

#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {
namespace {

// The namespace context of every message: what a TCP stream header declares (RFC 7395 §3.3.3
// has clients declare their namespaces in each message; an undeclared default is jabber:client,
// as on a TCP stream).
constexpr std::string_view kMessageContext =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

// Serialization buffers above this size are released after use (as the stream's outbox).
constexpr std::size_t kRetainedBufferBytes = 16 * 1024;

// One element is serialized here before its frame header (which holds its length) is written.
std::string& frameScratch() {
  thread_local std::string buffer;
  return buffer;
}

}  // namespace

WebSocketFraming::WebSocketFraming(StreamFramingEvents& events, const xml::ParserLimits& limits)
    : events_(events), decoder_(limits.maxStanzaBytes), parser_(*this, limits) {}

void WebSocketFraming::feed(std::string_view bytes, std::string& replies) {
  if (ended_) return;
  decoder_.feed(bytes);
  decode(replies);
}

void WebSocketFraming::resume(std::string& replies) {
  paused_ = false;
  decode(replies);
}

void WebSocketFraming::decode(std::string& replies) {
  net::WebSocketEvent event;
  while (!paused_ && !ended_ && decoder_.next(event)) {
    switch (event.kind) {
      case net::WebSocketEvent::Kind::Text:
        deliverText(event.payload);
        break;
      case net::WebSocketEvent::Kind::Binary:
        fail(xml::ParseError::PolicyViolation, net::WebSocketClose::UnsupportedData,
             "binary WebSocket message (RFC 7395 §3.2: text frames only)");
        break;
      case net::WebSocketEvent::Kind::Ping:
        // RFC 6455 §5.5.3: a pong carries the ping's data.
        net::appendWebSocketFrame(replies, net::WebSocketOpcode::Pong, event.payload);
        break;
      case net::WebSocketEvent::Kind::Pong:
        break;  // the read itself proved the client alive
      case net::WebSocketEvent::Kind::Close:
        ended_ = true;
        // RFC 6455 §5.5.1: a close frame is answered with one, unless ours went first.
        if (!closeFrameSent_) {
          net::appendWebSocketClose(replies, net::WebSocketClose::Normal);
          closeFrameSent_ = true;
        }
        events_.handleConnectionEnd();
        break;
      case net::WebSocketEvent::Kind::Violation:
        fail(xml::ParseError::PolicyViolation, static_cast<net::WebSocketClose>(event.closeCode),
             "WebSocket: " + event.payload);
        break;
    }
  }
}

void WebSocketFraming::deliverText(std::string_view message) {
  parsed_.clear();
  parseError_.reset();
  parser_.reset();
  parser_.feed(kMessageContext);
  parser_.feed(message);
  if (parseError_) {
    fail(parseError_->first, net::WebSocketClose::Normal, std::move(parseError_->second));
    return;
  }
  if (parsed_.size() != 1) {
    // RFC 7395 §3.3.3: a message is one complete element, never part of one or several.
    fail(xml::ParseError::NotWellFormed, net::WebSocketClose::Normal,
         parsed_.empty() ? "WebSocket message without one complete element"
                         : "WebSocket message with more than one element");
    return;
  }
  xml::Element element = std::move(parsed_.front());
  parsed_.clear();
  if (!opened_) {
    // Whatever comes first opens the stream; the core refuses what is not <open/>.
    opened_ = true;
    events_.handleStreamOpen(element);
  } else if (element.is("close", ns::kFraming)) {
    ended_ = true;
    events_.handleStreamClose();
  } else {
    events_.handleStreamElement(std::move(element));
  }
}

void WebSocketFraming::handleStreamElement(xml::Element element) {
  parsed_.push_back(std::move(element));
}

void WebSocketFraming::handleParseError(xml::ParseError error, std::string detail) {
  if (!parseError_) parseError_.emplace(error, std::move(detail));
}

void WebSocketFraming::fail(xml::ParseError error, net::WebSocketClose code, std::string detail) {
  ended_ = true;
  closeCode_ = code;
  events_.handleParseError(error, std::move(detail));
}

bool WebSocketFraming::isStreamOpen(const xml::Element& open) const {
  return open.is("open", ns::kFraming);
}

void WebSocketFraming::appendOpen(std::string& out, std::string_view id, std::string_view from,
                                  std::string_view to) {
  std::string& open = frameScratch();
  open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0' xml:lang='en' id='";
  open += id;
  open += "' from='";
  xml::appendEscapedAttribute(open, from);
  if (!to.empty()) {
    open += "' to='";
    xml::appendEscapedAttribute(open, to);
  }
  open += "'/>";
  net::appendWebSocketFrame(out, net::WebSocketOpcode::Text, open);
}

void WebSocketFraming::appendElement(std::string& out, const xml::Element& element) {
  std::string& text = frameScratch();
  text.clear();
  if (element.xmlns() == ns::kStreams) {
    // RFC 7395 §3.4: <stream:features>, <stream:error> declare their prefix themselves.
    xml::Element declared = element;
    declared.setAttribute("xmlns:stream", ns::kStreams);
    xml::serializeTo(text, declared);
  } else {
    xml::serializeTo(text, element);
  }
  net::appendWebSocketFrame(out, net::WebSocketOpcode::Text, text);
  if (text.capacity() > kRetainedBufferBytes) std::string().swap(text);
}

void WebSocketFraming::appendSerialized(std::string& out, std::string_view element) {
  net::appendWebSocketFrame(out, net::WebSocketOpcode::Text, element);
}

void WebSocketFraming::appendClose(std::string& out) {
  net::appendWebSocketFrame(out, net::WebSocketOpcode::Text,
                            "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  if (!closeFrameSent_) {
    net::appendWebSocketClose(out, closeCode_);
    closeFrameSent_ = true;
  }
}

void WebSocketFraming::appendKeepalive(std::string& out) {
  net::appendWebSocketFrame(out, net::WebSocketOpcode::Ping, {});
}

}  // namespace kontalk::stream
