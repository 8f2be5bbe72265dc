#pragma once
// One simulated XMPP client of the load generator: TCP from a loopback source address, STARTTLS
// (RFC 6120 §5) or direct TLS (XEP-0368), SASL SCRAM-SHA-1 / PLAIN / EXTERNAL (RFC 6120 §6),
// resource binding (§7), optionally stream management (XEP-0198), initial presence (RFC 6121
// §4.2), then raw stanza traffic.
//
// Threading and lifetime: all clients live on the generator's single io_context thread. A client
// is owned by a shared_ptr; its reader and writer coroutines hold a reference, so it lives until
// both have ended after close().

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <tl/expected.hpp>

#include "core/asio.hpp"
#include "net/transport.hpp"
#include "options.hpp"
#include "salted_password_cache.hpp"
#include "tls_session_store.hpp"
#include "xml/stream_parser.hpp"

namespace kontalk::bench {

// What all clients of a run on one server share; owned by the caller and outliving every client.
struct ClientSettings {
  const Options* options = nullptr;
  SSL_CTX* tls = nullptr;
  const SaltedPasswordCache* saltedPasswords = nullptr;  // may be null
  // --tls-resume: each login offers its account's last TLS session and keeps its own; null: none.
  TlsSessionStore* tlsSessions = nullptr;
  asio::ip::tcp::endpoint server;
  std::string domain;  // the server's XMPP domain (stream header, TLS server name)
};

class XmppClient : public std::enable_shared_from_this<XmppClient>,
                   private xml::StreamParserEvents {
 public:
  // Called with the body of every <message/> received after startReceiving().
  using MessageHandler = std::function<void(std::string_view body)>;
  // Called with h of every XEP-0198 <a h='…'/> from the server (stream management only).
  using AckHandler = std::function<void(std::uint32_t handled)>;

  // Account number `account` (user name options.userPrefix + account), connecting from
  // `sourceAddress` (may be empty).
  XmppClient(asio::io_context& io, const ClientSettings& settings, std::uint32_t account,
             std::string sourceAddress);
  ~XmppClient() override;

  // Connects and logs in within options.loginTimeoutSeconds. The error says which step failed and
  // why, e.g. "login failed: not-authorized".
  Awaitable<tl::expected<void, std::string>> login();
  // After a successful login: reads until the stream ends, handing message bodies to `handler`.
  void startReceiving(MessageHandler handler);
  // Queues serialized stanza text; a writer coroutine sends it in order.
  void send(std::string_view stanza);
  // send() of one stanza (message, presence or iq) that the server counts under stream
  // management; returns its sequence number, which the server's <a h/> covers once h >= it
  // (0 without stream management).
  std::uint32_t sendStanza(std::string_view stanza);
  // Sends <r/> (XEP-0198 §4); the server's <a/> goes to the handler set with onAcknowledged().
  void requestAcknowledgement();
  void onAcknowledged(AckHandler handler) { onAck_ = std::move(handler); }
  // Ends the stream (</stream:stream> after the queued output) and closes the connection.
  void close();

  bool isOpen() const { return transport_ && transport_->isOpen() && !closing_; }
  // The full JID the server bound.
  const std::string& jid() const { return jid_; }
  std::uint32_t account() const { return account_; }
  // Whether the login's TLS handshake resumed an earlier session (--tls-resume).
  bool resumedTls() const { return transport_ && transport_->tlsSessionReused(); }

 private:
  void handleStreamOpen(const xml::Element& header) override;
  void handleStreamElement(xml::Element element) override;
  void handleStreamClose() override;
  void handleParseError(xml::ParseError error, std::string detail) override;
  // What happens with a parsed element: the login's inbox, or the receiving handlers.
  void dispatch(xml::Element element);
  // XEP-0198 <a h/> with our inbound count.
  void acknowledge();

  Awaitable<tl::expected<void, std::string>> negotiate();
  SSL_SESSION* offeredTlsSession() const;
  Awaitable<tl::expected<void, std::string>> authenticate(const xml::Element& features);
  Awaitable<tl::expected<void, std::string>> bind(const xml::Element& features);
  // After bind: XEP-0198 <enable/> (options.streamManagement), then initial presence.
  Awaitable<tl::expected<void, std::string>> startSession(const xml::Element& features);
  // Opens a new stream (after connect, STARTTLS and SASL success) and returns its features.
  Awaitable<tl::expected<xml::Element, std::string>> openStream();
  // The next top-level element; an error when the stream ends, fails or times out first.
  Awaitable<tl::expected<xml::Element, std::string>> nextElement();
  Awaitable<bool> writeNow(std::string_view bytes);
  Awaitable<void> writeLoop(std::shared_ptr<XmppClient> keepAlive);
  Awaitable<void> readLoop(std::shared_ptr<XmppClient> keepAlive);
  void armLoginDeadline();
  std::string failure(std::string_view what) const;

  asio::io_context& io_;
  const ClientSettings& settings_;
  std::uint32_t account_;
  std::string username_;
  std::string sourceAddress_;
  std::optional<asio::ip::tcp::socket> connecting_;  // until the TCP connection is up
  std::unique_ptr<net::Transport> transport_;
  std::unique_ptr<xml::StreamParser> parser_;
  asio::steady_timer deadline_;
  bool timedOut_ = false;
  std::string step_ = "connect";  // for error texts

  std::deque<xml::Element> inbox_;  // elements parsed but not yet consumed by the login
  std::optional<std::string> streamFailure_;
  bool receiving_ = false;
  MessageHandler onMessage_;

  std::string outbox_;
  bool writing_ = false;
  bool closing_ = false;
  std::string jid_;

  // Stream management (XEP-0198), when options.streamManagement.
  bool smCounting_ = false;       // <enabled/> parsed: inbound stanzas count from here
  std::uint32_t smInbound_ = 0;   // stanzas received since <enabled/> (our h)
  std::uint32_t smOutbound_ = 0;  // stanzas sent since <enabled/> (the server's h covers them)
  bool smAckPending_ = false;     // a <r/> arrived during the login; answered by startReceiving
  AckHandler onAck_;
};

}  // namespace kontalk::bench
