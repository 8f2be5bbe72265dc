#pragma once
// One client-to-server connection (RFC 6120): stream negotiation (STARTTLS, SASL, resource
// binding), then the bound session's stanzas to and from the router.
//
// This is the framing-neutral stream core: SASL, binding, stream management with resumption, the
// delivery contract, CSI and the modules' hooks live here once. How the XML travels is the
// StreamFraming's business: XmlStreamFraming for a TCP connection (RFC 6120 §4, started by
// start()) and WebSocketFraming for XMPP over WebSocket (RFC 7395, started by startWebSocket()
// after the HTTP server's upgrade). A session resumed over the other transport is the same
// session (XEP-0198 §5 knows no transports).
//
// Lifetime: owned by shared pointers held by its reader and writer coroutines and by posted
// deliveries; it ends when both coroutines are done. Closing is a state (ARCHITECTURE.md §10):
// close() queues the stream error and </stream:stream>, the writer flushes them and then closes
// the socket, which ends the reader, which releases the session.
//
// Threading: everything runs on the stream's shard. The router reaches it only through its
// session handle, which posts to the shard.

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "base/metrics.hpp"
#include "net/token_bucket.hpp"
#include "net/transport.hpp"
#include "router/router.hpp"
#include "router/session_directory.hpp"
#include "stream/c2s_services.hpp"
#include "stream/sasl_mechanism.hpp"
#include "stream/stream_framing.hpp"
#include "stream/stream_registry.hpp"

namespace kontalk::stream {

class C2sSessionHandle;

class C2sStream final : public std::enable_shared_from_this<C2sStream>,
                        public RegisteredStream,
                        private StreamFramingEvents {
 public:
  // Starts serving a freshly accepted socket; `directTls` for XEP-0368 ports. Runs on the
  // registry's shard.
  static void start(C2sServices& services, StreamRegistry& registry, asio::ip::tcp::socket socket,
                    bool directTls);
  // Starts serving a WebSocket the HTTP server upgraded (RFC 7395 §3.2) on the registry's shard.
  // `pending`: bytes the client sent after its upgrade request. `httpSlot` is held while the
  // stream lives: the connection counts against [http] max_connections too.
  static void startWebSocket(C2sServices& services, StreamRegistry& registry,
                             std::unique_ptr<net::Transport> transport, std::string pending,
                             std::shared_ptr<void> httpSlot);

  C2sStream(C2sServices& services, StreamRegistry& registry,
            std::unique_ptr<net::Transport> transport, TransportKind kind, bool directTls);
  ~C2sStream() override;

  // What the client's connection is (metrics, logs).
  TransportKind transportKind() const { return framing_->kind(); }

  // Queues a stanza for the client (on the stream's shard). `journalId` is the delivery-journal
  // record the stanza settles once the client has it (api::DeliveryJournal).
  void sendStanza(const xml::Element& stanza, api::JournalId journalId = 0);
  // RegisteredStream: closes with a stream error; idempotent.
  void close(const xmpp::StreamError& error) override;
  // Closes the connection without a word and without ending its session, which another
  // connection has just resumed (XEP-0198 §5).
  void abandon();
  // RegisteredStream: drops the connection at once; its session ends (or waits for a
  // resumption) as if the peer had gone.
  void abort() override;
  void handleTick(std::chrono::steady_clock::time_point now) override;

 private:
  struct StreamOpened {
    xml::Element header;
  };
  struct StreamClosed {};
  struct ParseFailed {
    xml::ParseError error;
    std::string detail;
  };
  struct ConnectionEnded {};
  using ParserEvent =
      std::variant<StreamOpened, xml::Element, StreamClosed, ParseFailed, ConnectionEnded>;

  // StreamFramingEvents: queue events; they are handled in order by processEvents().
  void handleStreamOpen(const xml::Element& header) override;
  void handleStreamElement(xml::Element element) override;
  void handleStreamClose() override;
  void handleParseError(xml::ParseError error, std::string detail) override;
  void handleConnectionEnd() override;

  Awaitable<void> run();
  // Hands bytes read to the framing (and sends what the framing answers itself).
  void feedFraming(std::string_view bytes);
  void resumeFraming();
  Awaitable<void> processEvents();
  Awaitable<void> handleEvent(ParserEvent event);
  void handleOpen(const xml::Element& header);
  Awaitable<void> handleNegotiation(xml::Element element);
  Awaitable<void> handleStartTls();
  Awaitable<void> handleSaslStep(SaslStep step);
  Awaitable<void> handleSaslElement(const xml::Element& element);
  Awaitable<void> handleBind(xml::Element iq);
  void handleSessionStanza(xml::Element stanza);
  void handlePreAuthIq(const xml::Element& iq);
  // XEP-0198 elements of a bound session: <enable/>, <r/>, <a/>.
  void handleStreamManagement(const xml::Element& element);
  // <resume/> after authentication, instead of binding.
  Awaitable<void> handleResume(const xml::Element& resume);
  void sendStreamManagementFailure(std::string_view condition);
  void requestAcknowledgement();
  // ARCHITECTURE.md §6: the server's <a h/> covers a message only once it is durable (or
  // delivered), so answers to <r/> wait for the modules' deferred work on the session's
  // stanzas and then for the delivery journal's group commit, in order.
  void acknowledgeWhenDurable(std::uint32_t h);
  void sendDueAcknowledgement();
  // Calls `done` (on any thread) once what `session`'s stanzas caused so far is durable: the
  // modules' held work (api/acknowledgement_gate.hpp), then the journal.
  void whenAcknowledgeable(const router::LocalSession* session, std::function<void()> done);
  // The same as an awaitable on this stream's shard.
  Awaitable<void> untilAcknowledgeable(const router::LocalSession& session);
  // Backpressure (api::DeliveryJournal): completes once the journal accepts more, or the stream
  // closes. The client's silence meanwhile is not held against it (handleTick).
  Awaitable<void> untilJournalAccepts();
  void settle(std::span<const api::JournalId> ids);
  // Recorded messages that did not reach the client stay stored (api::DeliveryJournal::release).
  void releaseRecords(std::span<const api::JournalId> ids);
  // The client end as modules see it; built on first use (the certificate is known after TLS).
  const api::ClientInfo& clientInfo();
  // SASL EXTERNAL applies: TLS with a client certificate (spec §2, §3).
  bool offersExternal();
  // The connection is encrypted: TLS on the socket, or a WebSocket, whose TLS is the HTTP
  // layer's (HTTPS, or a TLS-terminating proxy where [http] tls = false says so).
  bool isSecure() const;
  SaslOfferContext saslOfferContext();
  Awaitable<void> throttle();

  void sendHeader(std::string_view peerFrom);
  void sendFeatures();
  void addModuleFeatures(xml::Element& features, api::FeatureStage stage) const;
  void sendRaw(std::string_view bytes);
  bool keepsTooMuchUnacknowledged() const;
  void sendIqResult(const xml::Element& request, std::optional<xml::Element> payload);
  void sendIqError(const xml::Element& request, const xmpp::StanzaError& error);
  void kickWriter();
  Awaitable<void> writeLoop(std::shared_ptr<C2sStream> keepAlive);
  Awaitable<void> flush();
  void finish();
  void handleCrash();
  // The stream read nothing for [c2s] idle_timeout: ping an authenticated client, close others
  // and clients that do not answer within [c2s] ping_timeout.
  void handleIdle(std::chrono::steady_clock::time_point now);
  // Frees what an idle connection keeps for reading and writing (kIdleRelease).
  void releaseIdleMemory(std::chrono::steady_clock::time_point now);
  bool answersIdlePing(const xml::Element& stanza) const;

  C2sServices& services_;
  StreamRegistry& registry_;
  std::unique_ptr<net::Transport> transport_;
  std::unique_ptr<StreamFraming> framing_;
  std::shared_ptr<void> httpSlot_;  // a WebSocket's place among the HTTP connections
  std::deque<ParserEvent> events_;
  std::string id_;  // stream id of the current stream header; also names the stream in logs
  bool directTls_;

  bool headerSent_ = false;
  bool handshaking_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::optional<std::string> user_;  // authenticated localpart
  std::unique_ptr<SaslMechanism> sasl_;
  std::string saslMechanism_;  // of sasl_, for the login counters
  std::size_t authFailures_ = 0;
  std::shared_ptr<C2sSessionHandle> session_;
  base::metrics::GaugeHold connectionCounted_;  // kontalk_c2s_connections
  base::metrics::GaugeHold sessionCounted_;     // kontalk_c2s_sessions, while session_ is set
  // Whether the session may wait for a resumption when this connection ends: not after the
  // client closed the stream or the server closed it with an error.
  bool sessionOutlivesConnection_ = true;
  bool ackRequested_ = false;
  std::chrono::steady_clock::time_point ackRequestedAt_;
  std::deque<std::uint32_t> acknowledgementsDue_;  // answers to <r/> waiting for durability
  bool readsHeldBack_ = false;                     // in untilJournalAccepts()
  std::optional<api::ClientInfo> client_;

  std::string outbox_;    // serialized, waiting for the writer
  std::string inflight_;  // being written
  // Journal records of messages in outbox_ for a client without stream management: settled
  // once written.
  std::vector<api::JournalId> settledWhenWritten_;
  bool writing_ = false;
  asio::steady_timer* flushWaiter_ = nullptr;

  net::TokenBucket inboundRate_;
  net::TokenBucket unauthenticatedBytes_;
  net::TokenBucket authenticatedBytes_;
  std::size_t stanzasSinceThrottle_ = 0;
  std::size_t bytesSinceThrottle_ = 0;
  std::chrono::steady_clock::time_point created_;
  std::chrono::steady_clock::time_point lastRead_;
  std::chrono::steady_clock::time_point lastWrite_;
  std::chrono::steady_clock::time_point closingSince_;
  struct IdlePing {
    std::string id;
    std::chrono::steady_clock::time_point sentAt;
  };
  std::optional<IdlePing> idlePing_;
};

}  // namespace kontalk::stream
