#include "stream/c2s_stream.hpp"

#include <array>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "core/spawn.hpp"
#include "stream/c2s_metrics.hpp"
#include "stream/c2s_session_handle.hpp"
#include "stream/inbound_stanza.hpp"
#include "stream/websocket_framing.hpp"
#include "stream/xml_stream_framing.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;
using xmpp::StreamError;
using xmpp::StreamErrorCondition;
using Clock = std::chrono::steady_clock;

// How long a closing stream may take to flush its last bytes to a peer that does not read.
constexpr auto kCloseGrace = std::chrono::seconds(5);
// A connection that has read (written) nothing for this long frees its parser (output buffers)
// until it next needs them: most of a messaging server's connections are idle, and the parser alone
// is about 11 KiB of each (bench/README.md, idle density). Rebuilding costs a few microseconds,
// paid at most once a second per stream.
constexpr auto kIdleRelease = std::chrono::seconds(1);
// Serialization buffers above this size are released after use, so that one large stanza does
// not pin memory on an otherwise idle connection.
constexpr std::size_t kRetainedBufferBytes = 16 * 1024;

StreamErrorCondition toStreamCondition(xml::ParseError error) {
  switch (error) {
    case xml::ParseError::NotWellFormed:
      return StreamErrorCondition::NotWellFormed;
    case xml::ParseError::RestrictedXml:
      return StreamErrorCondition::RestrictedXml;
    case xml::ParseError::PolicyViolation:
      return StreamErrorCondition::PolicyViolation;
    case xml::ParseError::BadNamespacePrefix:
      return StreamErrorCondition::BadNamespacePrefix;
  }
  return StreamErrorCondition::NotWellFormed;
}

xml::Element saslElement(std::string name, std::string_view data = {}) {
  xml::Element element(std::move(name), ns::kSasl);
  if (!data.empty()) element.addText(base::base64Encode(data));
  return element;
}

xml::Element saslFailure(const std::string& condition, std::string_view text = {}) {
  xml::Element failure("failure", ns::kSasl);
  failure.addChild(condition, ns::kSasl);
  if (!text.empty()) failure.addChild("text", ns::kSasl).addText(text);
  return failure;
}

// One shared read buffer per shard: a stream reads into it only after the socket is readable
// and hands the bytes to its parser at once, so idle connections hold no read buffer at all.
std::span<char> shardReadBuffer() {
  thread_local std::array<char, 32 * 1024> buffer;
  return buffer;
}

// What a framing answers by itself (WebSocket pongs, close frames), before it joins the outbox.
std::string& shardFramingReplies() {
  thread_local std::string replies;
  return replies;
}

}  // namespace

void C2sStream::start(C2sServices& services, StreamRegistry& registry, asio::ip::tcp::socket socket,
                      bool directTls) {
  const std::size_t connections = services.connections.fetch_add(1) + 1;
  auto stream = std::make_shared<C2sStream>(services, registry,
                                            std::make_unique<net::Transport>(std::move(socket)),
                                            TransportKind::Tcp, directTls);
  if (connections > services.limits.maxConnections) {
    spdlog::warn("c2s: refusing {}: {} connections is the configured maximum",
                 stream->transport_->remoteAddress(), services.limits.maxConnections);
    stream->finish();
    return;
  }
  registry.add(*stream);
  core::spawnLogged(
      registry.shard(), [stream]() { return stream->run(); }, "c2s reader",
      [stream] { stream->handleCrash(); });
}

void C2sStream::startWebSocket(C2sServices& services, StreamRegistry& registry,
                               std::unique_ptr<net::Transport> transport, std::string pending,
                               std::shared_ptr<void> httpSlot) {
  const std::size_t connections = services.connections.fetch_add(1) + 1;
  auto stream = std::make_shared<C2sStream>(services, registry, std::move(transport),
                                            TransportKind::WebSocket, false);
  stream->httpSlot_ = std::move(httpSlot);
  if (connections > services.limits.maxConnections) {
    spdlog::warn("c2s: refusing WebSocket {}: {} connections is the configured maximum",
                 stream->transport_->remoteAddress(), services.limits.maxConnections);
    stream->finish();
    return;
  }
  registry.add(*stream);
  // What the client pipelined behind its upgrade request is the start of its stream.
  if (!pending.empty()) stream->feedFraming(pending);
  core::spawnLogged(
      registry.shard(), [stream]() { return stream->run(); }, "c2s reader",
      [stream] { stream->handleCrash(); });
}

namespace {

std::unique_ptr<StreamFraming> makeFraming(TransportKind kind, StreamFramingEvents& events,
                                           const xml::ParserLimits& limits) {
  if (kind == TransportKind::WebSocket) return std::make_unique<WebSocketFraming>(events, limits);
  return std::make_unique<XmlStreamFraming>(events, limits);
}

}  // namespace

C2sStream::C2sStream(C2sServices& services, StreamRegistry& registry,
                     std::unique_ptr<net::Transport> transport, TransportKind kind, bool directTls)
    : services_(services),
      registry_(registry),
      transport_(std::move(transport)),
      framing_(makeFraming(kind, *this, services.limits.parser())),
      id_(base::randomAlphanumeric(16)),
      directTls_(directTls),
      inboundRate_(services.limits.stanzasPerSecond, services.limits.stanzaBurst, Clock::now()),
      unauthenticatedBytes_(static_cast<double>(services.limits.unauthenticatedBytesPerSecond),
                            static_cast<double>(services.limits.unauthenticatedByteBurst),
                            Clock::now()),
      authenticatedBytes_(static_cast<double>(services.limits.bytesPerSecond),
                          static_cast<double>(services.limits.byteBurst), Clock::now()),
      created_(Clock::now()),
      lastRead_(created_),
      lastWrite_(created_) {
  connectionCounted_ = base::metrics::GaugeHold(c2sMetrics().connections(kind));
}

C2sStream::~C2sStream() {
  finish();
}

// ---- reading -------------------------------------------------------------------------------

Awaitable<void> C2sStream::run() {
  spdlog::debug("c2s {}: {} connection from {}{}", id_, transportName(framing_->kind()),
                transport_->remoteAddress(), directTls_ ? " (direct TLS)" : "");
  if (directTls_) {
    handshaking_ = true;
    const bool ok = co_await transport_->startTls(services_.tls);
    handshaking_ = false;
    if (!ok) closing_ = true;
  }
  // Bytes a WebSocket client pipelined behind its upgrade request (startWebSocket).
  if (!events_.empty()) co_await processEvents();
  while (!closing_) {
    // ARCHITECTURE.md §6: while the delivery journal cannot take more, nothing more is read.
    if (session_) co_await untilJournalAccepts();
    if (closing_) break;
    const auto result = co_await transport_->read(shardReadBuffer());
    if (result.status != net::TransportStatus::Ok) break;
    lastRead_ = Clock::now();
    if (session_) session_->noteActivity(lastRead_);
    bytesSinceThrottle_ += result.bytes;
    feedFraming(std::string_view(shardReadBuffer().data(), result.bytes));
    co_await processEvents();
    if (closing_) break;
    co_await throttle();
    // Bounded work per wake-up: a read that finds data completes without returning to the event
    // loop, so a client that never stops sending (whitespace included) would keep the shard from
    // serving anyone else. After each buffer the reader queues behind the shard's other work.
    co_await core::yieldToOthers();
  }
  co_await flush();
  finish();
}

Awaitable<void> C2sStream::processEvents() {
  for (;;) {
    while (!events_.empty() && !closing_) {
      ParserEvent event = std::move(events_.front());
      events_.pop_front();
      // The hot path (a bound session's stanza) needs no coroutine frame.
      if (auto* element = std::get_if<xml::Element>(&event); element && session_) {
        handleSessionStanza(std::move(*element));
      } else {
        co_await handleEvent(std::move(event));
      }
    }
    if (closing_) co_return;
    // Parse what a pause or a stream restart left unparsed; nothing new means all is consumed.
    resumeFraming();
    if (events_.empty()) co_return;
  }
}

Awaitable<void> C2sStream::throttle() {
  const auto now = Clock::now();
  // Stanzas and bytes are limited apart: a client can cost the shard with many small stanzas or
  // with bytes that are no stanza at all (whitespace, one huge element). Unauthenticated clients
  // get a smaller byte allowance than authenticated ones (ARCHITECTURE.md §8).
  auto& bytes = user_ ? authenticatedBytes_ : unauthenticatedBytes_;
  const auto pause = std::max(inboundRate_.take(static_cast<double>(stanzasSinceThrottle_), now),
                              bytes.take(static_cast<double>(bytesSinceThrottle_), now));
  stanzasSinceThrottle_ = 0;
  bytesSinceThrottle_ = 0;
  if (pause == Clock::duration::zero()) co_return;
  // Not reading is the gentlest limit: TCP pushes back on the client, nothing is lost.
  spdlog::debug("c2s {}: inbound rate limit, pausing reads for {} ms", id_,
                std::chrono::duration_cast<std::chrono::milliseconds>(pause).count());
  asio::steady_timer timer(registry_.shard(), pause);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ignored));
}

void C2sStream::handleStreamOpen(const xml::Element& header) {
  events_.emplace_back(StreamOpened{header});
}

void C2sStream::handleStreamElement(xml::Element element) {
  ++stanzasSinceThrottle_;
  // Before a session is bound every element may restart the stream (STARTTLS, SASL success):
  // stop parsing after it so that what follows is parsed in the right stream.
  if (!session_) framing_->pause();
  events_.emplace_back(std::move(element));
}

void C2sStream::handleStreamClose() {
  events_.emplace_back(StreamClosed{});
}

void C2sStream::handleParseError(xml::ParseError error, std::string detail) {
  events_.emplace_back(ParseFailed{error, std::move(detail)});
}

void C2sStream::handleConnectionEnd() {
  events_.emplace_back(ConnectionEnded{});
}

void C2sStream::feedFraming(std::string_view bytes) {
  auto& replies = shardFramingReplies();
  framing_->feed(bytes, replies);
  if (replies.empty()) return;
  sendRaw(replies);
  replies.clear();
}

void C2sStream::resumeFraming() {
  auto& replies = shardFramingReplies();
  framing_->resume(replies);
  if (replies.empty()) return;
  sendRaw(replies);
  replies.clear();
}

Awaitable<void> C2sStream::handleEvent(ParserEvent event) {
  if (auto* opened = std::get_if<StreamOpened>(&event)) {
    handleOpen(opened->header);
  } else if (auto* element = std::get_if<xml::Element>(&event)) {
    if (session_) {
      handleSessionStanza(std::move(*element));
    } else {
      co_await handleNegotiation(std::move(*element));
    }
  } else if (std::holds_alternative<StreamClosed>(event)) {
    spdlog::debug("c2s {}: client closed the stream", id_);
    sessionOutlivesConnection_ = false;
    closing_ = true;
    closingSince_ = Clock::now();
    framing_->appendClose(outbox_);
    kickWriter();
  } else if (std::holds_alternative<ConnectionEnded>(event)) {
    // As a broken connection: the session may wait for a resumption (RFC 7395 §3.6).
    spdlog::debug("c2s {}: client closed its {} connection", id_, transportName(framing_->kind()));
    closing_ = true;
    closingSince_ = Clock::now();
    kickWriter();
  } else if (auto* failed = std::get_if<ParseFailed>(&event)) {
    spdlog::info("c2s {}: closing {}: {}", id_, transport_->remoteAddress(), failed->detail);
    close(StreamError{toStreamCondition(failed->error), failed->detail});
  }
}

// ---- negotiation (RFC 6120 §4–§7) ------------------------------------------------------------

void C2sStream::handleOpen(const xml::Element& header) {
  const std::string_view peerFrom = header.attribute("from");
  sendHeader(xmpp::Jid::parse(peerFrom) ? peerFrom : std::string_view{});
  if (!framing_->isStreamOpen(header)) {
    close(
        StreamError{StreamErrorCondition::InvalidNamespace, std::string(framing_->expectedOpen())});
    return;
  }
  const auto to = xmpp::Jid::parse(header.attribute("to"));
  if (header.hasAttribute("to") && (!to || *to != services_.router.domain())) {
    close(StreamError{StreamErrorCondition::HostUnknown,
                      "This server does not serve " + std::string(header.attribute("to")) + "."});
    return;
  }
  // RFC 6120 §4.7.5: without version="1.0" the client speaks pre-RFC XMPP, which we do not.
  if (header.attribute("version").substr(0, 2) != "1.") {
    close(StreamError{StreamErrorCondition::UnsupportedVersion, "XMPP 1.0 is required."});
    return;
  }
  sendFeatures();
}

void C2sStream::sendHeader(std::string_view peerFrom) {
  if (headerSent_) return;
  headerSent_ = true;
  id_ = base::randomAlphanumeric(16);
  if (!transport_->isOpen()) return;
  framing_->appendOpen(outbox_, id_, services_.router.domain().toString(), peerFrom);
  kickWriter();
}

void C2sStream::addModuleFeatures(xml::Element& features, api::FeatureStage stage) const {
  const auto& registered = services_.extensions.streamFeatures;
  const auto found = registered.find(stage);
  if (found == registered.end()) return;
  for (const auto& feature : found->second) features.addChild(feature.value);
}

void C2sStream::sendFeatures() {
  const auto& c2s = services_.c2s;
  xml::Element features("features", ns::kStreams);
  if (!user_) {
    if (!isSecure() && framing_->offersStartTls()) {
      auto& starttls = features.addChild("starttls", ns::kTls);
      if (c2s.requireTls) starttls.addChild("required", ns::kTls);
    }
    if (isSecure() || !c2s.requireTls) {
      auto& mechanisms = features.addChild("mechanisms", ns::kSasl);
      for (const auto& name : offeredSaslMechanisms(saslOfferContext())) {
        mechanisms.addChild("mechanism", ns::kSasl).addText(name);
      }
      addModuleFeatures(features, api::FeatureStage::BeforeAuthentication);
    }
  } else {
    features.addChild("bind", ns::kBind);
    // RFC 6121 §1.4 / draft-cridland-xmpp-session: session establishment is a no-op kept for
    // old clients, marked optional so that new ones skip the round trip.
    features.addChild("session", ns::kSession).addChild("optional", ns::kSession);
    features.addChild("sm", ns::kStreamManagement);
    addModuleFeatures(features, api::FeatureStage::AfterAuthentication);
  }
  sendStanza(features);
}

Awaitable<void> C2sStream::handleNegotiation(xml::Element element) {
  if (element.xmlns() == ns::kTls && element.name() == "starttls" && !user_) {
    co_await handleStartTls();
  } else if (element.xmlns() == ns::kSasl && !user_) {
    co_await handleSaslElement(element);
  } else if (user_ && element.is("resume", ns::kStreamManagement)) {
    co_await handleResume(element);
  } else if (user_ && element.xmlns() == ns::kStreamManagement) {
    sendStreamManagementFailure("unexpected-request");  // XEP-0198 §3: only after binding
  } else if (user_ && element.is("iq", ns::kClient) && element.attribute("type") == "set" &&
             element.child("bind", ns::kBind) != nullptr) {
    co_await handleBind(std::move(element));
  } else if (!user_ && element.is("iq", ns::kClient) && (isSecure() || !services_.c2s.requireTls)) {
    handlePreAuthIq(element);
  } else if (user_ && element.is("iq", ns::kClient)) {
    // RFC 6120 §7.1: nothing but binding before a resource is bound.
    sendIqError(element,
                StanzaError::of(StanzaErrorCondition::NotAuthorized, "Bind a resource first."));
  } else {
    spdlog::info("c2s {}: <{}/> from {} before authentication", id_, element.name(),
                 transport_->remoteAddress());
    close(StreamError{StreamErrorCondition::NotAuthorized, "Authenticate first."});
  }
}

Awaitable<void> C2sStream::handleStartTls() {
  if (isSecure() || !framing_->offersStartTls()) {
    sendStanza(xml::Element("failure", ns::kTls));
    close(StreamError{StreamErrorCondition::PolicyViolation, "TLS is already active."});
    co_return;
  }
  sendStanza(xml::Element("proceed", ns::kTls));
  co_await flush();
  // RFC 6120 §5.4.3.3: plaintext sent after <starttls/> is discarded; a new stream follows TLS.
  framing_->restart(/*discardPending=*/true);
  headerSent_ = false;
  handshaking_ = true;
  const bool ok = co_await transport_->startTls(services_.tls);
  handshaking_ = false;
  if (!ok) {
    closing_ = true;
    closingSince_ = Clock::now();
    transport_->close();
  }
  kickWriter();
}

Awaitable<void> C2sStream::handleSaslElement(const xml::Element& element) {
  const auto& c2s = services_.c2s;
  if (element.name() == "abort") {
    sasl_.reset();
    sendStanza(saslFailure("aborted"));
    co_return;
  }
  if (element.name() != "auth" && element.name() != "response") {
    close(StreamError{StreamErrorCondition::UnsupportedStanzaType, "Unexpected SASL element."});
    co_return;
  }
  if (c2s.requireTls && !isSecure()) {
    sendStanza(saslFailure("encryption-required"));
    co_return;
  }
  // RFC 6120 §6.4.2: empty content means "no initial response", "=" an empty one.
  const std::string text = element.text();
  std::optional<std::string> payload;
  if (text == "=") {
    payload = std::string();
  } else if (!text.empty()) {
    payload = base::base64Decode(text);
    if (!payload) {
      sasl_.reset();
      sendStanza(saslFailure("incorrect-encoding"));
      co_return;
    }
  }
  if (element.name() == "auth") {
    const std::string mechanism(element.attribute("mechanism"));
    const auto offered = offeredSaslMechanisms(saslOfferContext());
    sasl_.reset();
    if (std::find(offered.begin(), offered.end(), mechanism) != offered.end()) {
      const std::string certificate = offersExternal() ? clientInfo().certificateDer : "";
      sasl_ = makeSaslMechanism(mechanism, services_.sasl,
                                {certificate, PasswordThrottle::sourceKey(transport_->remoteIp())});
      saslMechanism_ = mechanism;
    }
    if (!sasl_) {
      sendStanza(saslFailure("invalid-mechanism"));
      co_return;
    }
    co_await handleSaslStep(co_await sasl_->start(std::move(payload)));
  } else if (!sasl_) {
    sendStanza(saslFailure("malformed-request"));
  } else {
    co_await handleSaslStep(co_await sasl_->respond(payload.value_or(std::string())));
  }
}

Awaitable<void> C2sStream::handleSaslStep(SaslStep step) {
  switch (step.kind) {
    case SaslStep::Kind::Challenge:
      sendStanza(saslElement("challenge", step.data));
      break;
    case SaslStep::Kind::Success:
      sasl_.reset();
      c2sMetrics().countLogin(saslMechanism_, LoginResult::Success);
      user_ = step.username;
      spdlog::info("c2s {}: {} authenticated as {}@{}", id_, transport_->remoteAddress(),
                   step.username, services_.router.domain().domain());
      sendStanza(saslElement("success", step.data));
      // RFC 6120 §6.4.6: the client restarts the stream; bytes it already sent belong to it.
      framing_->restart(/*discardPending=*/false);
      headerSent_ = false;
      break;
    case SaslStep::Kind::Failure:
      sasl_.reset();
      c2sMetrics().countLogin(saslMechanism_, step.isTemporaryFailure()
                                                  ? LoginResult::TemporaryFailure
                                                  : LoginResult::Failure);
      // The server's own trouble (storage) is not a guess by the client: it does not count.
      if (!step.isTemporaryFailure() || step.throttled) ++authFailures_;
      spdlog::log(step.isTemporaryFailure() ? spdlog::level::warn : spdlog::level::info,
                  "c2s {}: authentication from {} failed ({}): {}", id_,
                  transport_->remoteAddress(), step.failureCondition, step.logReason);
      sendStanza(saslFailure(step.failureCondition, step.failureText));
      if (authFailures_ >= services_.c2s.maxAuthFailures) {
        close(StreamError{StreamErrorCondition::PolicyViolation,
                          "Too many authentication failures."});
      }
      break;
  }
  co_return;
}

Awaitable<void> C2sStream::handleBind(xml::Element iq) {
  const std::string requested = iq.child("bind", ns::kBind)->childText("resource", ns::kBind);
  std::string resource;
  if (requested.empty()) {
    resource = base::randomAlphanumeric(12);
  } else if (auto prepared = xmpp::resourceprep(requested)) {
    resource = std::move(*prepared);
  } else {
    sendIqError(iq, StanzaError::of(StanzaErrorCondition::BadRequest, "Invalid resource."));
    co_return;
  }
  auto jid = xmpp::Jid::fromParts(*user_, services_.router.domain().domain(), resource);
  if (!jid) {
    sendIqError(iq, StanzaError::of(StanzaErrorCondition::BadRequest, "Invalid resource."));
    co_return;
  }
  auto handle =
      std::make_shared<C2sSessionHandle>(*jid, clientInfo(), services_, registry_.shard());
  // What modules must know before the client's first stanza (api::SessionEvent::Preparing). The
  // reader is suspended meanwhile, so nothing the client sends overtakes it.
  const auto& extensions = services_.extensions;
  if (extensions.sessionHandlers.contains(api::SessionEvent::Preparing)) {
    co_await services_.sasl.workers.run(
        [&extensions, &handle] { extensions.notify(api::SessionEvent::Preparing, *handle); });
    if (closing_) co_return;
  }
  auto bound = services_.sessions.bind(handle);
  using Outcome = router::SessionDirectory::BindOutcome;
  if (bound.outcome == Outcome::Conflict) {
    sendIqError(iq, StanzaError::of(StanzaErrorCondition::Conflict, "Resource in use."));
    co_return;
  }
  if (bound.outcome == Outcome::TooManySessions) {
    sendIqError(iq, StanzaError::of(StanzaErrorCondition::ResourceConstraint,
                                    "Too many sessions for this account."));
    co_return;
  }
  if (bound.replaced) {
    spdlog::info("c2s {}: {} replaces an older session", id_, jid->toString());
    bound.replaced->terminate(
        StreamError{StreamErrorCondition::Conflict, "Replaced by a new session."});
  }
  session_ = std::move(handle);
  sessionCounted_ = base::metrics::GaugeHold(c2sMetrics().sessions(transportKind()));
  session_->attach(weak_from_this());
  spdlog::debug("c2s {}: bound {} over {}", id_, jid->toString(), transportName(framing_->kind()));
  xml::Element result("bind", ns::kBind);
  result.addChild("jid", ns::kBind).addText(jid->toString());
  sendIqResult(iq, std::move(result));
  services_.router.handleSessionBound(*session_);
}

void C2sStream::handleSessionStanza(xml::Element stanza) {
  if (stanza.xmlns() == ns::kStreamManagement) {
    handleStreamManagement(stanza);
    return;
  }
  if (stanza.xmlns() != ns::kClient) {
    const auto& handlers = services_.extensions.streamElements;
    const auto handler = handlers.find({stanza.xmlns(), stanza.name()});
    if (handler != handlers.end()) {
      handler->second.value(*session_, stanza);
      return;
    }
  }
  auto& streamManagement = session_->streamManagement();
  if (streamManagement.enabled()) streamManagement.countInbound();
  const auto verdict = acceptClientStanza(stanza, session_->jid());
  if (const auto* error = std::get_if<StanzaError>(&verdict)) {
    if (stanza.attribute("type") != "error") sendStanza(xmpp::makeErrorReply(stanza, *error));
    return;
  }
  if (const auto* error = std::get_if<StreamError>(&verdict)) {
    spdlog::info("c2s {}: {}", id_, error->text);
    close(*error);
    return;
  }
  // The answer to the server's own idle ping ends here (the read already proved the client alive).
  if (answersIdlePing(stanza)) return;
  // Legacy session establishment (RFC 3921 §3) is answered here: it is a no-op.
  if (stanza.name() == "iq" && stanza.attribute("type") == "set" &&
      stanza.child("session", ns::kSession) != nullptr) {
    sendIqResult(stanza, std::nullopt);
    return;
  }
  services_.router.routeFromClient(std::move(stanza), *session_);
}

void C2sStream::handlePreAuthIq(const xml::Element& iq) {
  const std::string_view type = iq.attribute("type");
  const auto payloads = iq.childElements();
  if (!iq.hasAttribute("id") || (type != "get" && type != "set") || payloads.size() != 1) {
    if (type != "result" && type != "error") {
      sendIqError(iq, StanzaError::of(StanzaErrorCondition::BadRequest, "Malformed IQ."));
    }
    return;
  }
  const auto* handler =
      services_.extensions.findIq(api::IqScope::Unauthenticated, payloads.front()->xmlns(),
                                  type == "get" ? api::IqType::Get : api::IqType::Set);
  if (handler != nullptr) {
    // Replies may come later, from a worker thread: post them to this stream if it still lives.
    api::StreamReply reply = [weak = weak_from_this(),
                              &shard = registry_.shard()](xml::Element stanza) {
      asio::post(shard, [weak, stanza = std::move(stanza)] {
        if (auto stream = weak.lock()) stream->sendStanza(stanza);
      });
    };
    const api::IqRequest request{iq,
                                 *payloads.front(),
                                 xmpp::Jid{},
                                 services_.router.domain(),
                                 &clientInfo(),
                                 std::move(reply)};
    if ((*handler)(request) == api::HandlerResult::Handled) return;
  }
  sendIqError(iq, StanzaError::of(StanzaErrorCondition::ServiceUnavailable));
}

// Before TLS there is no certificate yet, and clientInfo() must not be built too early.
bool C2sStream::offersExternal() {
  return transport_->isTls() && services_.sasl.certificateLogin != nullptr &&
         !clientInfo().certificateDer.empty();
}

SaslOfferContext C2sStream::saslOfferContext() {
  const auto& c2s = services_.c2s;
  return SaslOfferContext{isSecure(), c2s.allowPlainWithoutTls, offersExternal(),
                          c2s.certificateLogin == CertificateLogin::Exclusive};
}

bool C2sStream::isSecure() const {
  return transport_->isTls() || framing_->kind() == TransportKind::WebSocket;
}

const api::ClientInfo& C2sStream::clientInfo() {
  if (!client_) {
    client_.emplace();
    client_->remoteAddress = transport_->remoteAddress();
    if (X509* certificate = transport_->peerCertificate()) {
      unsigned char* der = nullptr;
      const int length = i2d_X509(certificate, &der);
      if (length > 0) {
        client_->certificateDer.assign(reinterpret_cast<const char*>(der),
                                       static_cast<std::size_t>(length));
      }
      OPENSSL_free(der);
    }
  }
  return *client_;
}

// ---- writing ---------------------------------------------------------------------------------

void C2sStream::sendStanza(const xml::Element& stanza, api::JournalId journalId) {
  const bool countable =
      session_ && session_->streamManagement().enabled() && stanza.xmlns() == ns::kClient &&
      (stanza.name() == "message" || stanza.name() == "presence" || stanza.name() == "iq");
  const bool recordedWithoutAcks = !countable && journalId != 0 && session_;
  if (closing_ || !transport_->isOpen()) {
    // An acknowledged session keeps what it sends until the client confirms it, also when the
    // connection is already going: the session hands it on (C2sSessionHandle::end). Without
    // stream management too, a recorded message the client never got is handed on.
    if (countable || recordedWithoutAcks) {
      std::string serialized;  // counted as on the wire, as a detached session counts it
      framing_->appendElement(serialized, stanza);
      session_->streamManagement().recordOutbound(stanza, journalId, serialized.size());
    }
    return;
  }
  const std::size_t before = outbox_.size();
  framing_->appendElement(outbox_, stanza);
  if (countable) {
    auto& streamManagement = session_->streamManagement();
    streamManagement.recordOutbound(stanza, journalId, outbox_.size() - before);
    if (keepsTooMuchUnacknowledged()) {
      spdlog::info("c2s {}: {} leaves {} stanzas ({} bytes) unacknowledged; closing", id_,
                   session_->jid().toString(), streamManagement.unacknowledged().size(),
                   streamManagement.unacknowledgedBytes());
      close(StreamError{StreamErrorCondition::PolicyViolation, "Too many unacknowledged stanzas."});
      return;
    }
  }
  // A client without stream management never acknowledges: a message written to its socket is
  // as delivered as it gets. The writer settles it then, which also paces offline delivery
  // (modules/offline/offline_delivery.hpp).
  if (recordedWithoutAcks) settledWhenWritten_.push_back(journalId);
  // Kontalk's deployment (spec §0) asks for an acknowledgement after every message that
  // matters, and treats a connection that does not answer as dead. A recorded message matters
  // by definition: its acknowledgement settles it.
  if (countable && stanza.name() == "message" &&
      (journalId != 0 || stanza.child("body", ns::kClient) != nullptr ||
       stanza.firstChildIn(ns::kReceipts) != nullptr)) {
    requestAcknowledgement();
  }
  if (outbox_.size() > services_.limits.maxOutboundQueueBytes) {
    spdlog::warn("c2s {}: {} does not read its stream; closing", id_,
                 session_ ? session_->jid().toString() : transport_->remoteAddress());
    close(StreamError{StreamErrorCondition::PolicyViolation, "Outbound queue overflow."});
    return;
  }
  kickWriter();
}

// XEP-0198 lets the server keep what the client has not acknowledged, not without bound: a
// client that never acknowledges (or answers h='0' forever) would make it hold every stanza.
bool C2sStream::keepsTooMuchUnacknowledged() const {
  const auto& streamManagement = session_->streamManagement();
  return streamManagement.unacknowledged().size() > services_.c2s.maxUnacknowledged ||
         streamManagement.unacknowledgedBytes() > services_.limits.maxUnacknowledgedBytes;
}

void C2sStream::sendRaw(std::string_view bytes) {
  if (!transport_->isOpen()) return;
  outbox_.append(bytes);
  kickWriter();
}

void C2sStream::sendIqResult(const xml::Element& request, std::optional<xml::Element> payload) {
  xml::Element result("iq", ns::kClient);
  result.setAttribute("type", "result");
  result.setAttribute("id", std::string(request.attribute("id")));
  if (session_) result.setAttribute("to", session_->jid().toString());
  if (payload) result.addChild(std::move(*payload));
  sendStanza(result);
}

void C2sStream::sendIqError(const xml::Element& request, const StanzaError& error) {
  auto reply = xmpp::makeErrorReply(request, error);
  reply.removeAttribute("from");
  sendStanza(reply);
}

void C2sStream::kickWriter() {
  // During a TLS handshake the socket belongs to OpenSSL; bytes queued meanwhile wait for it.
  if (writing_ || outbox_.empty() || handshaking_ || !transport_->isOpen()) return;
  writing_ = true;
  core::spawnLogged(registry_.shard(), writeLoop(shared_from_this()), "c2s writer",
                    [stream = shared_from_this()] { stream->handleCrash(); });
}

// The unnamed parameter keeps the stream alive while the writer runs (coroutine parameters live
// in the frame).
Awaitable<void> C2sStream::writeLoop(std::shared_ptr<C2sStream>) {
  while (!outbox_.empty() && transport_->isOpen()) {
    inflight_.swap(outbox_);
    std::vector<api::JournalId> written;
    written.swap(settledWhenWritten_);
    const auto status = co_await transport_->write(inflight_);
    inflight_.clear();
    if (inflight_.capacity() > kRetainedBufferBytes) std::string().swap(inflight_);
    if (status != net::TransportStatus::Ok) {
      // What did not reach the socket stays stored for the account's next session.
      releaseRecords(written);
      releaseRecords(std::exchange(settledWhenWritten_, {}));
      outbox_.clear();
      transport_->close();
      break;
    }
    settle(written);
    lastWrite_ = Clock::now();
  }
  if (outbox_.capacity() > kRetainedBufferBytes) std::string().swap(outbox_);
  writing_ = false;
  // A closing stream ends once its last bytes (the error, </stream:stream>) are out.
  if (closing_) transport_->close();
  if (flushWaiter_ != nullptr) flushWaiter_->cancel();
}

Awaitable<void> C2sStream::flush() {
  kickWriter();
  while (writing_) {
    asio::steady_timer waiter(registry_.shard(), Clock::time_point::max());
    flushWaiter_ = &waiter;
    boost::system::error_code ignored;
    co_await waiter.async_wait(asio::redirect_error(use_awaitable, ignored));
    flushWaiter_ = nullptr;
  }
}

// ---- closing ---------------------------------------------------------------------------------

void C2sStream::close(const StreamError& error) {
  if (closing_) return;
  // A timeout means the network failed, not the client: its session may still be resumed.
  if (error.condition != StreamErrorCondition::ConnectionTimeout) {
    sessionOutlivesConnection_ = false;
  }
  if (handshaking_) {
    closing_ = true;
    closingSince_ = Clock::now();
    transport_->close();
    return;
  }
  sendHeader({});  // RFC 6120 §4.9.1.1: an error before our header still opens the stream
  framing_->appendElement(outbox_, error.toElement());
  framing_->appendClose(outbox_);
  closing_ = true;
  closingSince_ = Clock::now();
  kickWriter();
}

void C2sStream::abort() {
  closing_ = true;
  closingSince_ = Clock::now();
  transport_->close();  // pending reads and writes fail: the reader ends and finishes the stream
}

void C2sStream::abandon() {
  session_.reset();
  sessionCounted_.release();
  closing_ = true;
  closingSince_ = Clock::now();
  transport_->close();
}

void C2sStream::handleTick(Clock::time_point now) {
  const auto& c2s = services_.c2s;
  if (closing_) {
    if (now - closingSince_ > kCloseGrace) transport_->close();
    return;
  }
  releaseIdleMemory(now);
  // While reads are held back for the journal, the client's silence is the server's doing.
  if (ackRequested_ && !readsHeldBack_ && now - ackRequestedAt_ > c2s.ackTimeout) {
    // Aggressive delivery: a client that stops acknowledging is gone; its session keeps the
    // unacknowledged stanzas for a resumption or hands them on.
    spdlog::info("c2s {}: {} did not acknowledge within {} s", id_, session_->jid().toString(),
                 c2s.ackTimeout.count());
    close(StreamError{StreamErrorCondition::ConnectionTimeout, "No acknowledgement."});
  } else if (!session_ && now - created_ > c2s.authTimeout) {
    spdlog::info("c2s {}: {} did not authenticate in time", id_, transport_->remoteAddress());
    close(StreamError{StreamErrorCondition::ConnectionTimeout, "Authentication timed out."});
  } else if (!readsHeldBack_ && now - lastRead_ > c2s.idleTimeout) {
    handleIdle(now);
  } else if (headerSent_ && !writing_ && transport_->isOpen() &&
             now - lastWrite_ > c2s.keepaliveInterval) {
    // RFC 6120 §4.6.1: whitespace keeps NAT mappings alive and reveals dead peers.
    framing_->appendKeepalive(outbox_);
    kickWriter();
    lastWrite_ = now;
  }
}

void C2sStream::releaseIdleMemory(Clock::time_point now) {
  bool released = now - lastRead_ >= kIdleRelease && framing_->releaseIdleMemory();
  const std::size_t inlineCapacity = std::string().capacity();
  if (!writing_ && outbox_.empty() && now - lastWrite_ >= kIdleRelease &&
      (outbox_.capacity() > inlineCapacity || inflight_.capacity() > inlineCapacity)) {
    // Swapped, not assigned: assigning an empty string keeps the old buffer (libstdc++).
    std::string().swap(outbox_);
    std::string().swap(inflight_);
    released = true;
  }
  if (released) registry_.noteMemoryReleased();
}

// A silent authenticated client may be perfectly alive: the Kontalk client sends no whitespace
// keepalives and pings only every 30 minutes. Ask it (XEP-0199 §4.2) before giving up on it.
void C2sStream::handleIdle(Clock::time_point now) {
  const auto& c2s = services_.c2s;
  // Whatever the client sent since the ping answered it (lastRead_ moved past the ping).
  if (idlePing_ && lastRead_ >= idlePing_->sentAt) idlePing_.reset();
  if (session_ && !idlePing_) {
    idlePing_ = IdlePing{base::randomAlphanumeric(12), now};
    xml::Element ping("iq", ns::kClient);
    ping.setAttribute("type", "get");
    ping.setAttribute("id", idlePing_->id);
    ping.setAttribute("from", services_.router.domain().domain());
    ping.setAttribute("to", session_->jid().toString());
    ping.addChild("ping", ns::kPing);
    spdlog::debug("c2s {}: {} is idle; pinging it", id_, session_->jid().toString());
    sendStanza(ping);
    return;
  }
  if (idlePing_ && now - idlePing_->sentAt <= c2s.pingTimeout) return;
  spdlog::info("c2s {}: closing idle connection of {}", id_,
               session_ ? session_->jid().toString() : transport_->remoteAddress());
  close(StreamError{StreamErrorCondition::ConnectionTimeout, "Idle for too long."});
}

bool C2sStream::answersIdlePing(const xml::Element& stanza) const {
  if (!idlePing_ || stanza.name() != "iq") return false;
  const std::string_view type = stanza.attribute("type");
  const std::string_view to = stanza.attribute("to");
  return (type == "result" || type == "error") && stanza.attribute("id") == idlePing_->id &&
         (to.empty() || to == services_.router.domain().domain());
}

// A bug threw out of the reader or the writer (core::spawnLogged logged it): the connection is
// in an unknown state, so it goes, and its session ends the usual way (what the client did not
// acknowledge goes to its other resources or offline storage), instead of a stream that can
// never write again or a reader that is gone while the socket stays open.
void C2sStream::handleCrash() {
  spdlog::error("c2s {}: closing the connection of {} after an internal error", id_,
                session_ ? session_->jid().toString() : transport_->remoteAddress());
  sessionOutlivesConnection_ = false;
  closing_ = true;
  writing_ = false;
  transport_->close();  // ends the reader, which then releases the session
  if (flushWaiter_ != nullptr) flushWaiter_->cancel();
  finish();
}

void C2sStream::finish() {
  if (finished_) return;
  finished_ = true;
  registry_.remove(*this);
  releaseRecords(std::exchange(settledWhenWritten_, {}));  // queued, never written
  if (session_) {
    const auto& streamManagement = session_->streamManagement();
    if (streamManagement.resumable() && sessionOutlivesConnection_) {
      session_->detach(services_.c2s.resumptionTimeout);
    } else {
      spdlog::debug("c2s {}: session {} ended", id_, session_->jid().toString());
      session_->end();
    }
    session_.reset();
    sessionCounted_.release();
  }
  transport_->close();
  httpSlot_.reset();
  services_.connections.fetch_sub(1);
}

}  // namespace kontalk::stream
