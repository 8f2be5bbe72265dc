#include "xmpp_client.hpp"

#include <array>
#include <charconv>
#include <chrono>

#include "base/encoding.hpp"
#include "connect.hpp"
#include "scram_sha1_client.hpp"
#include "xml/serializer.hpp"

namespace kontalk::bench {
namespace {

constexpr std::string_view kStreamsNs = "http://etherx.jabber.org/streams";
constexpr std::string_view kTlsNs = "urn:ietf:params:xml:ns:xmpp-tls";
constexpr std::string_view kSaslNs = "urn:ietf:params:xml:ns:xmpp-sasl";
constexpr std::string_view kBindNs = "urn:ietf:params:xml:ns:xmpp-bind";
constexpr std::string_view kSessionNs = "urn:ietf:params:xml:ns:xmpp-session";
constexpr std::string_view kClientNs = "jabber:client";
constexpr std::string_view kSmNs = "urn:xmpp:sm:3";

// Every client reads into this one buffer: the generator is single-threaded and a client feeds
// what it read to its parser before any other coroutine runs (the server does the same per shard).
std::array<char, 64 * 1024> readBuffer;

// The name of the first child element: the condition of a SASL <failure/> or a stream error.
std::string conditionOf(const xml::Element& element) {
  const xml::Element* condition = element.firstChild();
  return condition ? condition->name() : "no condition";
}

bool hasMechanism(const xml::Element& mechanisms, std::string_view name) {
  for (const auto* mechanism : mechanisms.children("mechanism", kSaslNs)) {
    if (mechanism->text() == name) return true;
  }
  return false;
}

std::string saslElement(std::string_view name, std::string_view mechanism, std::string_view data) {
  std::string out = "<" + std::string(name) + " xmlns='" + std::string(kSaslNs) + "'";
  if (!mechanism.empty()) out += " mechanism='" + std::string(mechanism) + "'";
  out += ">" + (data.empty() ? std::string("=") : base::base64Encode(data)) + "</" +
         std::string(name) + ">";
  return out;
}

}  // namespace

XmppClient::XmppClient(asio::io_context& io, const ClientSettings& settings, std::uint32_t account,
                       std::string sourceAddress)
    : io_(io),
      settings_(settings),
      account_(account),
      username_(settings.options->userPrefix + std::to_string(account)),
      sourceAddress_(std::move(sourceAddress)),
      deadline_(io) {}

XmppClient::~XmppClient() = default;

std::string XmppClient::failure(std::string_view what) const {
  if (timedOut_) return "login timed out during " + step_;
  return std::string(what);
}

void XmppClient::armLoginDeadline() {
  const auto timeout = std::chrono::duration<double>(settings_.options->loginTimeoutSeconds);
  deadline_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout));
  deadline_.async_wait([weak = weak_from_this()](boost::system::error_code error) {
    if (error) return;  // cancelled: the login finished in time
    auto self = weak.lock();
    if (!self) return;
    self->timedOut_ = true;
    // Closing aborts whatever the login coroutine waits for.
    if (self->transport_) self->transport_->close();
    if (self->connecting_) {
      boost::system::error_code ignored;
      self->connecting_->close(ignored);
    }
  });
}

Awaitable<tl::expected<void, std::string>> XmppClient::login() {
  armLoginDeadline();
  auto result = co_await negotiate();
  deadline_.cancel();
  if (!result && transport_) transport_->close();
  // By now a TLS 1.3 server's ticket, sent after the handshake, has been read.
  if (result && transport_ && settings_.tlsSessions) {
    settings_.tlsSessions->keep(account_, transport_->takeTlsSession());
  }
  co_return result;
}

SSL_SESSION* XmppClient::offeredTlsSession() const {
  return settings_.tlsSessions ? settings_.tlsSessions->sessionFor(account_) : nullptr;
}

Awaitable<tl::expected<void, std::string>> XmppClient::negotiate() {
  const Options& options = *settings_.options;
  step_ = "connect";
  connecting_.emplace(io_);
  auto connected = co_await connectFrom(*connecting_, settings_.server, sourceAddress_);
  if (!connected || timedOut_)
    co_return tl::unexpected(failure(connected ? "" : connected.error()));
  transport_ = std::make_unique<net::Transport>(std::move(*connecting_));
  connecting_.reset();

  if (options.tls == TlsMode::Direct) {
    step_ = "TLS handshake";
    if (!co_await transport_->startTlsClient(settings_.tls, settings_.domain,
                                             offeredTlsSession())) {
      co_return tl::unexpected(failure("TLS handshake failed"));
    }
  }
  auto features = co_await openStream();
  if (!features) co_return tl::unexpected(features.error());

  if (options.tls == TlsMode::StartTls) {
    step_ = "STARTTLS";
    if (!features->child("starttls", kTlsNs)) {
      co_return tl::unexpected(std::string("server does not offer STARTTLS"));
    }
    if (!co_await writeNow("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")) {
      co_return tl::unexpected(failure("connection lost"));
    }
    auto proceed = co_await nextElement();
    if (!proceed) co_return tl::unexpected(proceed.error());
    if (proceed->name() != "proceed") co_return tl::unexpected(std::string("STARTTLS refused"));
    // RFC 6120 §5.4.3.3: nothing sent before the handshake belongs to the new stream.
    parser_->reset();
    parser_->discardPending();
    step_ = "TLS handshake";
    if (!co_await transport_->startTlsClient(settings_.tls, settings_.domain,
                                             offeredTlsSession())) {
      co_return tl::unexpected(failure("TLS handshake failed"));
    }
    features = co_await openStream();
    if (!features) co_return tl::unexpected(features.error());
  }

  if (auto authenticated = co_await authenticate(*features); !authenticated) {
    co_return authenticated;
  }
  features = co_await openStream();  // RFC 6120 §6.4.6: restart after SASL success
  if (!features) co_return tl::unexpected(features.error());
  if (auto bound = co_await bind(*features); !bound) co_return bound;

  co_return co_await startSession(*features);
}

Awaitable<tl::expected<void, std::string>> XmppClient::startSession(const xml::Element& features) {
  if (settings_.options->streamManagement) {
    step_ = "stream management";
    if (!features.child("sm", kSmNs)) {
      co_return tl::unexpected(std::string("server does not offer stream management"));
    }
    if (!co_await writeNow("<enable xmlns='urn:xmpp:sm:3'/>")) {
      co_return tl::unexpected(failure("connection lost"));
    }
    for (;;) {
      auto reply = co_await nextElement();
      if (!reply) co_return tl::unexpected(reply.error());
      if (reply->is("enabled", kSmNs)) break;
      if (reply->is("failed", kSmNs)) {
        co_return tl::unexpected("stream management refused: " + conditionOf(*reply));
      }
    }
  }
  // Initial presence (RFC 6121 §4.2) makes the session available like a real client's.
  step_ = "initial presence";
  if (!co_await writeNow("<presence/>")) co_return tl::unexpected(failure("connection lost"));
  if (smCounting_) ++smOutbound_;
  co_return tl::expected<void, std::string>{};
}

Awaitable<tl::expected<void, std::string>> XmppClient::authenticate(const xml::Element& features) {
  const Options& options = *settings_.options;
  step_ = "SASL";
  const xml::Element* mechanisms = features.child("mechanisms", kSaslNs);
  const std::string mechanism = mechanismName(options.mechanism);
  if (!mechanisms || !hasMechanism(*mechanisms, mechanism)) {
    co_return tl::unexpected("server does not offer " + mechanism);
  }
  ScramSha1Client scram(username_, options.password, settings_.saltedPasswords);
  std::string initial;
  switch (options.mechanism) {
    case Mechanism::ScramSha1:
      initial = scram.clientFirst();
      break;
    case Mechanism::Plain:
      initial = std::string(1, '\0') + username_ + '\0' + options.password;
      break;
    case Mechanism::External:
      break;  // "=": derive the identity from the certificate (XEP-0178)
  }
  if (!co_await writeNow(saslElement("auth", mechanism, initial))) {
    co_return tl::unexpected(failure("connection lost"));
  }
  for (;;) {
    auto reply = co_await nextElement();
    if (!reply) co_return tl::unexpected(reply.error());
    if (reply->is("failure", kSaslNs)) {
      co_return tl::unexpected("login failed: " + conditionOf(*reply));
    }
    const auto data = base::base64Decode(reply->text());
    if (reply->is("challenge", kSaslNs) && options.mechanism == Mechanism::ScramSha1) {
      std::string error;
      const auto response = data ? scram.handleServerFirst(*data, error) : std::nullopt;
      if (!response) co_return tl::unexpected("login failed: " + (data ? error : "bad base64"));
      if (!co_await writeNow(saslElement("response", "", *response))) {
        co_return tl::unexpected(failure("connection lost"));
      }
      continue;
    }
    if (reply->is("success", kSaslNs)) {
      if (options.mechanism == Mechanism::ScramSha1 && !(data && scram.verifyServerFinal(*data))) {
        co_return tl::unexpected(std::string("login failed: server signature does not verify"));
      }
      parser_->reset();
      co_return tl::expected<void, std::string>{};
    }
    co_return tl::unexpected("login failed: unexpected <" + reply->name() + "/>");
  }
}

Awaitable<tl::expected<void, std::string>> XmppClient::bind(const xml::Element& features) {
  step_ = "bind";
  if (!features.child("bind", kBindNs)) {
    co_return tl::unexpected(std::string("server does not offer resource binding"));
  }
  std::string request = "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>";
  request += "<resource>" + settings_.options->resource + "</resource></bind></iq>";
  if (!co_await writeNow(request)) co_return tl::unexpected(failure("connection lost"));
  for (;;) {
    auto reply = co_await nextElement();
    if (!reply) co_return tl::unexpected(reply.error());
    if (reply->name() != "iq" || reply->attribute("id") != "bind") continue;
    if (reply->attribute("type") != "result") {
      const xml::Element* error = reply->child("error", kClientNs);
      co_return tl::unexpected("bind failed: " + (error ? conditionOf(*error) : "no error"));
    }
    const xml::Element* bound = reply->child("bind", kBindNs);
    jid_ = bound ? bound->childText("jid", kBindNs) : "";
    if (jid_.empty()) co_return tl::unexpected(std::string("bind result without a JID"));
    break;
  }
  // RFC 6121 §1.3 (legacy session): needed only when the server does not mark it optional.
  const xml::Element* session = features.child("session", kSessionNs);
  if (!session || session->child("optional", kSessionNs))
    co_return tl::expected<void, std::string>{};
  step_ = "session";
  if (!co_await writeNow("<iq type='set' id='session'><session "
                         "xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>")) {
    co_return tl::unexpected(failure("connection lost"));
  }
  for (;;) {
    auto reply = co_await nextElement();
    if (!reply) co_return tl::unexpected(reply.error());
    if (reply->name() != "iq" || reply->attribute("id") != "session") continue;
    if (reply->attribute("type") != "result") {
      co_return tl::unexpected(std::string("session establishment failed"));
    }
    co_return tl::expected<void, std::string>{};
  }
}

Awaitable<tl::expected<xml::Element, std::string>> XmppClient::openStream() {
  if (!parser_) {
    parser_ = std::make_unique<xml::StreamParser>(static_cast<xml::StreamParserEvents&>(*this),
                                                  xml::ParserLimits{});
  }
  std::string header = "<?xml version='1.0'?><stream:stream to='" + settings_.domain;
  header +=
      "' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  if (!co_await writeNow(header)) co_return tl::unexpected(failure("connection lost"));
  for (;;) {
    auto element = co_await nextElement();
    if (!element) co_return element;
    if (element->is("features", kStreamsNs)) co_return element;
  }
}

Awaitable<tl::expected<xml::Element, std::string>> XmppClient::nextElement() {
  while (inbox_.empty()) {
    if (streamFailure_) co_return tl::unexpected(failure(*streamFailure_));
    const auto read = co_await transport_->read(readBuffer);
    if (read.status != net::TransportStatus::Ok) {
      co_return tl::unexpected(failure("connection closed by the server during " + step_));
    }
    parser_->feed(std::string_view(readBuffer.data(), read.bytes));
  }
  xml::Element element = std::move(inbox_.front());
  inbox_.pop_front();
  if (element.is("error", kStreamsNs))
    co_return tl::unexpected("stream error: " + conditionOf(element));
  co_return element;
}

Awaitable<bool> XmppClient::writeNow(std::string_view bytes) {
  co_return co_await transport_->write(bytes) == net::TransportStatus::Ok;
}

void XmppClient::handleStreamOpen(const xml::Element&) {}

// Stream-management accounting happens here, in stream order as parsed; the rest in dispatch().
void XmppClient::handleStreamElement(xml::Element element) {
  if (element.xmlns() == kSmNs) {
    if (element.name() == "enabled") {
      smCounting_ = true;  // the server counts what it sends from here on (XEP-0198 §4)
    } else if (element.name() == "r") {
      if (receiving_) {
        acknowledge();
      } else {
        smAckPending_ = true;  // the login writes directly; startReceiving() answers
      }
      return;
    } else if (element.name() == "a") {
      std::uint32_t handled = 0;
      const std::string_view text = element.attribute("h");
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), handled);
      if (error == std::errc() && end == text.data() + text.size() && onAck_) onAck_(handled);
      return;
    }
  } else if (smCounting_ && element.xmlns() == kClientNs &&
             (element.name() == "message" || element.name() == "presence" ||
              element.name() == "iq")) {
    ++smInbound_;
  }
  dispatch(std::move(element));
}

void XmppClient::acknowledge() {
  send("<a xmlns='urn:xmpp:sm:3' h='" + std::to_string(smInbound_) + "'/>");
}

std::uint32_t XmppClient::sendStanza(std::string_view stanza) {
  send(stanza);
  if (smCounting_) ++smOutbound_;
  return smOutbound_;
}

void XmppClient::requestAcknowledgement() {
  send("<r xmlns='urn:xmpp:sm:3'/>");
}

void XmppClient::dispatch(xml::Element element) {
  if (!receiving_) {
    inbox_.push_back(std::move(element));
    return;
  }
  // Bounces (type='error', RFC 6120 §8.3) carry the original body but were not delivered.
  if (element.name() == "message" && onMessage_ && element.attribute("type") != "error") {
    onMessage_(element.childText("body", kClientNs));
  }
}

void XmppClient::handleStreamClose() {
  streamFailure_ = "stream closed by the server";
}

void XmppClient::handleParseError(xml::ParseError, std::string detail) {
  streamFailure_ = "unparsable input from the server: " + detail;
}

void XmppClient::startReceiving(MessageHandler handler) {
  onMessage_ = std::move(handler);
  receiving_ = true;
  // Stanzas that arrived with the end of the login (presence, early messages).
  while (!inbox_.empty()) {
    xml::Element element = std::move(inbox_.front());
    inbox_.pop_front();
    dispatch(std::move(element));
  }
  if (smAckPending_) {
    smAckPending_ = false;
    acknowledge();
  }
  asio::co_spawn(io_, readLoop(shared_from_this()), asio::detached);
}

Awaitable<void> XmppClient::readLoop(std::shared_ptr<XmppClient> /*keepAlive*/) {
  while (transport_->isOpen() && !streamFailure_) {
    const auto read = co_await transport_->read(readBuffer);
    if (read.status != net::TransportStatus::Ok) break;
    parser_->feed(std::string_view(readBuffer.data(), read.bytes));
  }
  transport_->close();
}

void XmppClient::send(std::string_view stanza) {
  if (closing_ || !transport_ || !transport_->isOpen()) return;
  outbox_ += stanza;
  if (writing_) return;
  writing_ = true;
  asio::co_spawn(io_, writeLoop(shared_from_this()), asio::detached);
}

// `keepAlive` holds the client until the loop ends.
Awaitable<void> XmppClient::writeLoop(std::shared_ptr<XmppClient> /*keepAlive*/) {
  std::string chunk;
  while (!outbox_.empty()) {
    chunk.clear();
    chunk.swap(outbox_);
    if (co_await transport_->write(chunk) != net::TransportStatus::Ok) {
      outbox_.clear();
      break;
    }
  }
  writing_ = false;
  if (closing_) transport_->close();
}

void XmppClient::close() {
  // The handlers usually refer to the scenario's state, which may end before the reader does.
  onMessage_ = nullptr;
  onAck_ = nullptr;
  if (closing_ || !transport_ || !transport_->isOpen()) return;
  send("</stream:stream>");
  closing_ = true;
  if (!writing_) transport_->close();
}

}  // namespace kontalk::bench
