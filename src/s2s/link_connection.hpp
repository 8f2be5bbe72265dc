#pragma once
// What inbound and outbound s2s links share (RFC 6120 §4): the socket and its TLS, the stream
// parser, the write queue, closing with a stream error, and the inbound byte and element rate
// limits.
// Subclasses do the negotiation of their side.
//
// Lifetime as for c2s streams (stream/c2s_stream.hpp): shared pointers held by the reader and
// writer coroutines and by posted work; close() queues the error and </stream:stream>, the writer
// flushes them and closes the socket, which ends the reader.
//
// Threading: everything runs on the link's shard (its registry's); other threads post to it.

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/asio.hpp"
#include "net/token_bucket.hpp"
#include "net/transport.hpp"
#include "stream/stream_registry.hpp"
#include "xml/stream_parser.hpp"
#include "xmpp/stream_error.hpp"

namespace kontalk::s2s {

class LinkManager;

class LinkConnection : public std::enable_shared_from_this<LinkConnection>,
                       public stream::RegisteredStream,
                       private xml::StreamParserEvents {
 public:
  LinkConnection(LinkManager& links, stream::StreamRegistry& registry, std::string kind);
  ~LinkConnection() override;

  // RegisteredStream: closes with a stream error; idempotent.
  void close(const xmpp::StreamError& error) override;
  void abort() override;
  // Closes without an error (idle link, RFC 6120 §4.4); idempotent.
  void endStream(std::string_view reason);

  const std::string& name() const { return name_; }
  asio::io_context& registryShard() { return registry_.shard(); }

 protected:
  struct StreamOpened {
    xml::Element header;
  };
  struct StreamClosed {};
  struct ParseFailed {
    xml::ParseError error;
    std::string detail;
  };
  using ParserEvent = std::variant<StreamOpened, xml::Element, StreamClosed, ParseFailed>;

  // Reads until the connection ends, feeding the parser and handing its events to the subclass.
  Awaitable<void> readLoop();
  virtual void handleHeader(const xml::Element& header) = 0;
  // Elements may need to wait (STARTTLS), hence a coroutine.
  virtual Awaitable<void> handleElement(xml::Element element) = 0;
  // The link is over (both coroutines done or never started); called once.
  virtual void handleFinished() = 0;
  // RFC 6120 §4.9.1.1: a stream error needs our stream header first; sends it if not yet sent.
  virtual void sendHeaderForError() {}

  void attach(std::unique_ptr<net::Transport> transport);
  // Serializes `element` into the s2s stream: stanzas built in jabber:client carry no xmlns, so
  // they inherit the stream's jabber:server (see stanza_namespace.hpp); dialback elements get
  // the `db:` prefix (dialback_element.hpp).
  void sendElement(const xml::Element& element);
  void sendRaw(std::string_view bytes);
  Awaitable<void> flush();
  // STARTTLS after <proceed/> (initiator) or after sending it (receiver): plaintext still queued
  // in the parser is dropped (RFC 6120 §5.4.3.3) and a new stream follows. False on failure.
  Awaitable<bool> upgradeToTls(SSL_CTX* context, bool asClient, std::string_view serverName);
  // Stream restart after SASL success (RFC 6120 §6.4.6).
  void restartStream();
  void startWriter();
  void finish();
  // The common part of ticks: the close grace period. True when the subclass has nothing to do.
  bool tickClosing(std::chrono::steady_clock::time_point now);

  LinkManager& links_;
  stream::StreamRegistry& registry_;
  std::unique_ptr<net::Transport> transport_;
  xml::StreamParser parser_;
  std::string name_;  // "s2s-in 3fa9…", for logs
  bool closing_ = false;
  bool finished_ = false;
  bool handshaking_ = false;
  std::chrono::steady_clock::time_point created_;
  // The last element sent or received: what idle_timeout measures. Whitespace (keepalives, ours
  // or the peer's) does not count, or keepalives would hold an unused link open for ever.
  std::chrono::steady_clock::time_point lastActivity_;
  // The last bytes queued for the peer, keepalives included: what keepalive_interval measures.
  std::chrono::steady_clock::time_point lastWrite_;
  std::chrono::steady_clock::time_point closingSince_;

 private:
  void handleStreamOpen(const xml::Element& header) override;
  void handleStreamElement(xml::Element element) override;
  void handleStreamClose() override;
  void handleParseError(xml::ParseError error, std::string detail) override;
  Awaitable<void> processEvents();
  Awaitable<void> throttle(std::size_t bytes);
  void kickWriter();
  Awaitable<void> writeLoop(std::shared_ptr<LinkConnection> keepAlive);

  std::deque<ParserEvent> events_;
  std::string outbox_;
  std::string inflight_;
  bool writing_ = false;
  asio::steady_timer* flushWaiter_ = nullptr;
  net::TokenBucket inboundBytes_;
  net::TokenBucket inboundElements_;
  std::size_t elementsSinceThrottle_ = 0;
};

}  // namespace kontalk::s2s
