#pragma once
// How a c2s stream's XML travels on its connection: the one thing a TCP stream (RFC 6120 §4: one
// XML document per direction, <stream:stream> ... </stream:stream>) and a WebSocket (RFC 7395:
// one complete element per text message, <open/> and <close/>) do differently. The stream core
// (C2sStream: SASL, binding, stream management, the delivery contract, modules) reads events and
// writes elements through this interface only, so both transports share all of it.
//
// Threading: a framing belongs to one stream and is used from that stream's shard only.

#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xml/stream_parser.hpp"

namespace kontalk::stream {

// Which framing a stream speaks: what a session's connection is, for logs and metrics.
enum class TransportKind { Tcp, WebSocket };
std::string_view transportName(TransportKind kind);

// What a framing reports besides the XML events.
class StreamFramingEvents : public xml::StreamParserEvents {
 public:
  // The peer ended the connection below XMPP (a WebSocket close frame without <close/>): like a
  // broken connection, the session may wait for a resumption (RFC 7395 §3.6).
  virtual void handleConnectionEnd() = 0;
};

class StreamFraming {
 public:
  virtual ~StreamFraming() = default;
  virtual TransportKind kind() const = 0;

  // ---- reading: bytes from the transport become events, in order, delivered synchronously.
  // Bytes the framing itself must answer (WebSocket pongs and close frames) are appended to
  // `replies`.
  virtual void feed(std::string_view bytes, std::string& replies) = 0;
  // Callable from an event handler: stop after the current event; resume() continues with what
  // was kept (the same contract as xml::StreamParser).
  virtual void pause() = 0;
  virtual void resume(std::string& replies) = 0;
  // A stream restart (RFC 6120 §4.3.3 after SASL success, RFC 7395 §3.5): the next thing read
  // opens a new stream. `discardPending` also drops bytes read but not parsed (STARTTLS, RFC 6120
  // §5.4.3.3).
  virtual void restart(bool discardPending) = 0;
  // Whether `open` (the first element of a stream) is this framing's stream opening, in its
  // namespace (RFC 6120 §4.9.3.10 invalid-namespace otherwise).
  virtual bool isStreamOpen(const xml::Element& open) const = 0;
  virtual std::string_view expectedOpen() const = 0;
  // STARTTLS belongs to TCP; a WebSocket's TLS is the HTTP layer's (RFC 7395 §3.7).
  virtual bool offersStartTls() const = 0;
  // The connection has been silent for a while: free what reading keeps between elements (the
  // parser; xml::StreamParser::releaseIdleMemory), true if anything was. The next feed() rebuilds
  // it.
  virtual bool releaseIdleMemory() = 0;

  // ---- writing: appended to the stream's outbox.
  virtual void appendOpen(std::string& out, std::string_view id, std::string_view from,
                          std::string_view to) = 0;
  // A top-level element (stanza, features, SASL, stream management, stream error).
  virtual void appendElement(std::string& out, const xml::Element& element) = 0;
  // A top-level element already serialized with every namespace declared.
  virtual void appendSerialized(std::string& out, std::string_view element) = 0;
  // The end of the server's stream (after an error, or answering the client's close).
  virtual void appendClose(std::string& out) = 0;
  // RFC 6120 §4.6.1 whitespace, or a WebSocket ping (RFC 6455 §5.5.2).
  virtual void appendKeepalive(std::string& out) = 0;
};

}  // namespace kontalk::stream
