#include "s2s/outbound_link.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>

#include "base/encoding.hpp"
#include "core/spawn.hpp"
#include "net/listen_address.hpp"
#include "pgp/public_key.hpp"
#include "s2s/dialback_key.hpp"
#include "s2s/s2s_metrics.hpp"
#include "s2s/s2s_tls.hpp"
#include "s2s/srv_lookup.hpp"
#include "s2s/undeliverable.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::s2s {
namespace {

using Clock = std::chrono::steady_clock;
using xmpp::StreamError;
using xmpp::StreamErrorCondition;

// RFC 6120 §3.2.2: without an SRV record, the domain itself on the standard port.
constexpr std::uint16_t kDefaultPort = 5269;

// Numbers the links of this process, for the ids of their pings.
std::atomic<std::uint64_t> nextLinkNumber{1};

Awaitable<SrvLookup> lookUpSrv(std::string domain, std::vector<std::string> nameservers) {
  co_return lookupServerSrv(domain, nameservers);
}

// The fingerprint of the server key in a pubkey answer (spec §5: base64 of the binary key);
// empty for an error or anything that does not parse.
std::string keyFingerprintOf(const xml::Element& response) {
  if (response.attribute("type") != "result") return {};
  const auto* pubkey = response.child("pubkey", ns::kPubkey);
  if (pubkey == nullptr) return {};
  const auto binary = base::base64Decode(pubkey->text());
  if (!binary || binary->size() > pgp::PublicKey::kMaxKeySize) return {};
  auto key = pgp::PublicKey::parse(*binary);
  return key ? key->fingerprint() : std::string();
}

}  // namespace

OutboundLink::OutboundLink(LinkManager& links, stream::StreamRegistry& registry, std::string domain)
    : LinkConnection(links, registry, "s2s-out"),
      domain_(std::move(domain)),
      linkNumber_(nextLinkNumber.fetch_add(1, std::memory_order_relaxed)),
      linkCounted_(s2sMetrics().outboundLinks),
      queuedCounted_(s2sMetrics().queuedStanzas),
      unacknowledgedCounted_(s2sMetrics().unacknowledgedMessages) {
  name_ += " to " + domain_;
}

void OutboundLink::countHeld() {
  queuedCounted_.set(static_cast<std::int64_t>(queue_.size()));
  unacknowledgedCounted_.set(static_cast<std::int64_t>(unacknowledged_.size()));
}

void OutboundLink::start() {
  registry_.add(*this);
  auto self = std::static_pointer_cast<OutboundLink>(shared_from_this());
  core::spawnLogged(
      registry_.shard(), [self]() { return self->run(); }, name_,
      [self] {
        self->fail(Failure::Failed, "internal error");
        self->abort();
        self->finish();
      });
}

Awaitable<void> OutboundLink::run() {
  // GCC 12 miscompiles co_await inside an if condition (SIGILL): await first.
  const bool connected = co_await connect();
  if (connected) {
    state_ = State::Negotiating;
    sendHeader();
    co_await readLoop();
  }
  if (state_ != State::Ready && state_ != State::Failed) {
    fail(failure_, "the link closed before it was authenticated");
  }
  finish();
}

Awaitable<bool> OutboundLink::connect() {
  std::vector<SrvTarget> targets;
  // Spec §7.2: a mapped domain never causes a DNS query.
  const auto& hosts = links_.settings().hosts;
  if (const auto mapped = hosts.find(domain_); mapped != hosts.end()) {
    const auto address = net::parseListenAddress(mapped->second);
    if (!address) {
      fail(Failure::Unreachable, "[s2s] hosts maps it to a malformed address");
      co_return false;
    }
    targets.push_back(SrvTarget{address->host, address->port});
  } else {
    // RFC 6120 §3.2: SRV first (blocking, so on the DNS threads), else the domain on 5269.
    auto lookup = co_await asio::co_spawn(
        links_.dnsExecutor(), lookUpSrv(domain_, links_.settings().dnsServers), use_awaitable);
    if (state_ == State::Failed) co_return false;  // timed out meanwhile
    links_.recordLookup(domain_, lookup.domainExists);
    if (!lookup.domainExists) {
      // Spec §7.9: no such domain; what waits for it is bounced (the remote queue asks
      // api::RemoteDomains), and it is not tried at its address.
      fail(Failure::Unreachable, "DNS says the domain does not exist");
      co_return false;
    }
    targets = std::move(lookup.targets);
    if (targets.empty()) {
      targets.push_back(SrvTarget{domain_, kDefaultPort});
    } else {
      spdlog::info("{}: {} SRV target(s), first {}:{}", name_, targets.size(), targets.front().host,
                   targets.front().port);
    }
  }
  std::string lastError;
  for (const auto& target : targets) {
    const std::string where = target.host + ":" + std::to_string(target.port);
    boost::system::error_code error;
    // Asio resolves A/AAAA on its own background thread: the shard never blocks on DNS.
    resolver_.emplace(registry_.shard());
    const auto endpoints = co_await resolver_->async_resolve(
        target.host, std::to_string(target.port), asio::redirect_error(use_awaitable, error));
    resolver_.reset();
    if (state_ == State::Failed) co_return false;
    if (error) {
      lastError = "cannot resolve " + where + ": " + error.message();
      continue;
    }
    connecting_.emplace(registry_.shard());
    const auto endpoint = co_await asio::async_connect(*connecting_, endpoints,
                                                       asio::redirect_error(use_awaitable, error));
    if (state_ == State::Failed) co_return false;
    if (error) {
      connecting_.reset();
      lastError = "cannot connect to " + where + ": " + error.message();
      continue;
    }
    spdlog::info("{}: connected to {}:{}", name_, endpoint.address().to_string(), endpoint.port());
    attach(std::make_unique<net::Transport>(std::move(*connecting_)));
    connecting_.reset();
    co_return true;
  }
  fail(Failure::Unreachable, lastError);
  co_return false;
}

void OutboundLink::sendHeader() {
  std::string header =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
      "xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' "
      "version='1.0' from='";
  xml::appendEscapedAttribute(header, links_.domain());
  header += "' to='";
  xml::appendEscapedAttribute(header, domain_);
  header += "'>";
  sendRaw(header);
}

void OutboundLink::handleHeader(const xml::Element& header) {
  if (header.name() != "stream" || header.xmlns() != ns::kStreams ||
      header.attribute("xmlns") != ns::kServer) {
    close(StreamError{StreamErrorCondition::InvalidNamespace, "Expected a jabber:server stream."});
    return;
  }
  streamId_ = std::string(header.attribute("id"));
  if (streamId_.empty()) {
    // XEP-0220 §2.1.1: the key binds the stream id; a stream without one cannot do dialback.
    spdlog::info("{}: the peer's stream header has no id", name_);
  }
}

Awaitable<void> OutboundLink::handleElement(xml::Element element) {
  if (element.is("features", ns::kStreams)) {
    handleFeatures(element);
  } else if (element.is("proceed", ns::kTls)) {
    const bool upgraded = co_await upgradeToTls(links_.clientTls(), true, domain_);
    if (upgraded) {
      tls_ = true;
      sendHeader();
    } else {
      fail(Failure::Failed, "TLS handshake failed");
    }
  } else if (element.is("failure", ns::kTls)) {
    fail(Failure::Failed, "the peer refused STARTTLS");
    close(StreamError{StreamErrorCondition::UndefinedCondition, "STARTTLS failed."});
  } else if (element.is("success", ns::kSasl)) {
    // RFC 6120 §6.4.6: the stream restarts; the link is ready with the new stream's features,
    // which say whether the peer offers stream management (XEP-0198 §3).
    restartStream();
    sendHeader();
    saslSucceeded_ = true;
  } else if (element.is("failure", ns::kSasl)) {
    if (dialbackOffered_) {
      spdlog::info("{}: SASL EXTERNAL refused; trying dialback", name_);
      sendDialbackResult();
    } else {
      fail(Failure::Failed, "SASL EXTERNAL refused and no dialback offered");
      close(StreamError{StreamErrorCondition::NotAuthorized, "Authentication failed."});
    }
  } else if (element.is("result", ns::kDialback)) {
    if (element.attribute("type") == "valid" && element.attribute("from") == domain_) {
      markReady("dialback");
    } else {
      fail(Failure::Failed,
           "dialback key refused (" + std::string(element.attribute("type")) + ")");
      close(StreamError{StreamErrorCondition::NotAuthorized, "Dialback failed."});
    }
  } else if (element.is("verify", ns::kDialback)) {
    const std::string_view id = element.attribute("id");
    const bool valid = element.attribute("type") == "valid" && element.attribute("from") == domain_;
    for (auto it = verifies_.begin(); it != verifies_.end(); ++it) {
      if (it->sent && it->streamId == id) {
        auto done = std::move(it->done);
        verifies_.erase(it);
        done(valid);
        break;
      }
    }
  } else if (element.xmlns() == ns::kStreamManagement && state_ == State::Ready) {
    handleStreamManagement(element);
  } else if (element.is("error", ns::kStreams)) {
    const auto* condition = element.firstChildIn(ns::kStreamErrors);
    spdlog::info("{}: stream error from the peer: {}", name_,
                 condition != nullptr ? condition->name() : "(none)");
    if (state_ != State::Ready) fail(Failure::Failed, "stream error from the peer");
    endStream("after the peer's stream error");
  } else {
    // RFC 6120 §2.4: an outbound link carries our stanzas only; the peer uses its own.
    spdlog::debug("{}: ignoring <{}/> from the peer", name_, element.name());
  }
  co_return;
}

void OutboundLink::handleFeatures(const xml::Element& features) {
  if (!tls_) {
    if (features.child("starttls", ns::kTls) != nullptr) {
      sendElement(xml::Element("starttls", ns::kTls));
      return;
    }
    // Spec §7.2: mandatory with network domains even when [s2s] require_tls is off.
    if (links_.requiresTls(domain_)) {
      fail(Failure::Failed, "the peer offers no STARTTLS");
      close(StreamError{StreamErrorCondition::PolicyViolation, "TLS is required."});
      return;
    }
  }
  streamUsable_ = true;
  smOffered_ = features.child("sm", ns::kStreamManagement) != nullptr;
  sendPendingVerifies();
  if (state_ == State::Ready) return;
  if (saslSucceeded_) {
    markReady("SASL EXTERNAL");
    return;
  }
  dialbackOffered_ = features.child("dialback", ns::kDialbackFeature) != nullptr;
  bool external = false;
  if (const auto* mechanisms = features.child("mechanisms", ns::kSasl)) {
    for (const auto* mechanism : mechanisms->children("mechanism", ns::kSasl)) {
      external = external || mechanism->text() == "EXTERNAL";
    }
  }
  if (external && !saslTried_) {
    saslTried_ = true;
    // XEP-0178 §3: the authorization identity is the one the certificate names: "=" (empty).
    xml::Element auth("auth", ns::kSasl);
    auth.setAttribute("mechanism", "EXTERNAL");
    auth.addText("=");
    sendElement(auth);
    return;
  }
  // Servers that predate the dialback stream feature (XEP-0220 §2.4) still do dialback.
  sendDialbackResult();
}

void OutboundLink::sendDialbackResult() {
  xml::Element result("result", ns::kDialback);
  result.setAttribute("from", links_.domain());
  result.setAttribute("to", domain_);
  result.addText(dialbackKey(links_.secret(), domain_, links_.domain(), streamId_));
  sendElement(result);
}

void OutboundLink::sendPendingVerifies() {
  if (!streamUsable_ || closing_) return;
  for (auto& verify : verifies_) {
    if (verify.sent) continue;
    verify.sent = true;
    xml::Element element("verify", ns::kDialback);
    element.setAttribute("from", links_.domain());
    element.setAttribute("to", domain_);
    element.setAttribute("id", verify.streamId);
    element.addText(verify.key);
    sendElement(element);
  }
}

void OutboundLink::requestVerify(std::string streamId, std::string key,
                                 LinkManager::VerifyCallback done) {
  if (state_ == State::Failed || closing_) {
    done(false);
    return;
  }
  // Bounded like the stanza queue: a peer cannot make us keep unanswered checks without end.
  if (verifies_.size() >= links_.settings().maxQueuedStanzas) {
    done(false);
    return;
  }
  verifies_.push_back(PendingVerify{std::move(streamId), std::move(key), std::move(done)});
  sendPendingVerifies();
}

void OutboundLink::enqueue(xml::Element stanza, api::JournalId journalId) {
  if (!stanza.hasAttribute("from")) stanza.setAttribute("from", links_.domain());
  switch (state_) {
    case State::Ready:
      if (closing_ || finished_) {
        // Closed after use (idle, the peer left): a new link carries it.
        links_.forget(domain_, this);
        const auto to = xmpp::Jid::parse(stanza.attribute("to")).value_or(xmpp::Jid{});
        const auto from = xmpp::Jid::parse(stanza.attribute("from")).value_or(xmpp::Jid{});
        links_.send(std::move(stanza), from, to, journalId);
        return;
      }
      sendStanza(stanza, journalId);
      requestAck();
      return;
    case State::Failed:
      handleUndeliverable(links_.router(), stanza, journalId, failure_ == Failure::Unreachable);
      return;
    case State::Connecting:
    case State::Negotiating:
      if (queue_.size() >= links_.settings().maxQueuedStanzas) {
        spdlog::warn("{}: {} stanzas wait already; one more is not taken", name_, queue_.size());
        handleUndeliverable(links_.router(), stanza, journalId, false);
        return;
      }
      queue_.push_back(Queued{std::move(stanza), journalId});
      countHeld();
      return;
  }
}

void OutboundLink::markReady(std::string_view method) {
  state_ = State::Ready;
  links_.recordSuccess(domain_);
  // Spec §7.2 require_certificate: the peer's own certificate, not the method that
  // authenticated us to it, says whether it proved its domain with one.
  links_.recordAuthentication(
      domain_, tls_ && peerCertificateValidFor(transport_->peerCertificate(),
                                               transport_->peerVerifyResult(), domain_));
  // XEP-0198 §3: enabled after authentication and before any stanza, so that the counts of
  // both sides start together.
  if (smOffered_) {
    ackMode_ = AckMode::Enabling;
    ackRequestedAt_ = Clock::now();
    sendElement(xml::Element("enable", ns::kStreamManagement));
  } else {
    ackMode_ = AckMode::Ping;
  }
  if (links_.verifiesKeyOf(domain_)) requestKey();
  spdlog::info("{}: authenticated with {}; sending {} queued stanza(s); {}", name_, method,
               queue_.size(),
               smOffered_ ? "enabling stream management" : "acknowledgements by ping");
  while (!queue_.empty()) {
    sendStanza(queue_.front().stanza, queue_.front().journalId);
    queue_.pop_front();
  }
  countHeld();
  requestAck();
}

void OutboundLink::requestKey() {
  keyRequestId_ = "key-" + std::to_string(linkNumber_);
  // The answer comes back over the peer's own link to us, on whatever shard: the table is
  // thread-safe, and parsing one key there is short.
  auto& links = links_;
  const bool waiting = links_.router().pendingIqs().add(
      links_.domain(), *keyRequestId_, domain_,
      [&links, domain = domain_](const xml::Element& response) {
        const auto fingerprint = keyFingerprintOf(response);
        links.recordKey(domain, fingerprint);  // before the log line, which tests wait for
        spdlog::info("s2s: the server key of {}: {}", domain,
                     fingerprint.empty() ? "none usable" : fingerprint);
      });
  if (!waiting) {
    spdlog::warn("{}: cannot ask for the peer's key now", name_);
    keyRequestId_.reset();
    return;
  }
  xml::Element iq("iq", ns::kClient);  // written into the stream's jabber:server
  iq.setAttribute("type", "get");
  iq.setAttribute("id", *keyRequestId_);
  iq.setAttribute("from", links_.domain());
  iq.setAttribute("to", domain_);
  iq.addChild("pubkey", ns::kPubkey);
  sendStanza(iq, 0);
}

void OutboundLink::sendStanza(const xml::Element& stanza, api::JournalId journalId) {
  sendElement(stanza);
  unacknowledged_.recordSent(journalId);
  countHeld();
}

bool OutboundLink::awaitingAck() const {
  return pingId_.has_value() || ackRequested_ || ackMode_ == AckMode::Enabling;
}

void OutboundLink::requestAck() {
  if (awaitingAck() || unacknowledged_.empty() || closing_ || finished_) return;
  if (ackMode_ == AckMode::Ping) {
    sendPing();
    return;
  }
  ackRequested_ = true;
  ackRequestedAt_ = Clock::now();
  sendElement(xml::Element("r", ns::kStreamManagement));
}

void OutboundLink::sendPing() {
  const std::uint64_t sequence = ++pingSequence_;
  // The ping is the next stanza: its answer covers it and everything before it.
  const std::uint32_t mark = unacknowledged_.sentCount() + 1;
  // Unique among this server's requests: a new link to the same domain starts a new sequence.
  std::string id = "ack-" + std::to_string(linkNumber_) + "-" + std::to_string(sequence);
  // The answer reaches the router from the peer's own link to us; it is posted back here.
  auto self = std::static_pointer_cast<OutboundLink>(shared_from_this());
  const bool waiting = links_.router().pendingIqs().add(
      links_.domain(), id, domain_, [self, sequence, mark](const xml::Element&) {
        asio::post(self->registryShard(),
                   [self, sequence, mark] { self->handleAck(sequence, mark); });
      });
  if (!waiting) {
    // The table of the server's requests is full: try again with the next message.
    spdlog::warn("{}: cannot ask for an acknowledgement now", name_);
    return;
  }
  pingId_ = id;
  ackRequestedAt_ = Clock::now();
  xml::Element ping("iq", ns::kClient);  // written into the stream's jabber:server
  ping.setAttribute("type", "get");
  ping.setAttribute("id", id);
  ping.setAttribute("from", links_.domain());
  ping.setAttribute("to", domain_);
  ping.addChild("ping", ns::kPing);
  sendStanza(ping, 0);
}

void OutboundLink::handleAck(std::uint64_t sequence, std::uint32_t mark) {
  if (!pingId_ || sequence != pingSequence_) return;  // answered after the link ended
  pingId_.reset();
  std::vector<api::JournalId> settled;
  // Our own mark, one request at a time: always within what was sent.
  unacknowledged_.acknowledge(mark, settled);
  settle(settled);
  requestAck();
}

void OutboundLink::handleStreamManagement(const xml::Element& element) {
  const std::string& name = element.name();
  if (name == "enabled" && ackMode_ == AckMode::Enabling) {
    // Without 'resume' whatever the answer says: resumption is not asked for on s2s.
    ackMode_ = AckMode::StreamManagement;
    spdlog::info("{}: stream management enabled; the peer acknowledges with <a/>", name_);
    requestAck();
  } else if (name == "failed" && ackMode_ == AckMode::Enabling) {
    ackMode_ = AckMode::Ping;
    spdlog::info("{}: the peer refused stream management; acknowledgements by ping", name_);
    requestAck();
  } else if (name == "a" && ackMode_ == AckMode::StreamManagement) {
    // XEP-0198 §4: an answer to our <r/>, or unsolicited; either reports what the peer handled.
    std::uint32_t h = 0;
    const std::string_view text = element.attribute("h");
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), h);
    if (error != std::errc() || end != text.data() + text.size()) {
      spdlog::warn("{}: <a/> with an invalid 'h' ('{}')", name_, text);
      close(StreamError{StreamErrorCondition::BadFormat, "Invalid 'h' in <a/>."});
      return;
    }
    const std::uint32_t before = unacknowledged_.acknowledgedCount();
    std::vector<api::JournalId> settled;
    if (!unacknowledged_.acknowledge(h, settled)) {
      spdlog::warn("{}: the peer acknowledged {} stanza(s); {} were sent", name_, h,
                   unacknowledged_.sentCount());
      close(xmpp::handledCountTooHigh(h, unacknowledged_.sentCount()));
      return;
    }
    settle(settled);
    // Only progress answers the outstanding <r/>: a peer repeating an old 'h' forever is as
    // dead as a silent one (the connect timeout closes it).
    if (h != before) ackRequested_ = false;
    requestAck();
  } else if (name == "r" && ackMode_ == AckMode::StreamManagement) {
    // The peer sends us no stanzas on this stream (RFC 6120 §2.4): we handled none.
    xml::Element answer("a", ns::kStreamManagement);
    answer.setAttribute("h", "0");
    sendElement(answer);
  } else {
    spdlog::debug("{}: ignoring <{}/> of stream management", name_, name);
  }
}

void OutboundLink::settle(const std::vector<api::JournalId>& settled) {
  countHeld();
  if (!settled.empty() && links_.router().journal() != nullptr) {
    links_.router().journal()->settle(settled);
  }
}

void OutboundLink::releaseUnacknowledged() {
  if (pingId_) {
    links_.router().pendingIqs().expire(links_.domain(), *pingId_);
    pingId_.reset();
  }
  ackRequested_ = false;
  if (unacknowledged_.empty()) return;
  const auto released = unacknowledged_.takeAll();
  countHeld();
  spdlog::info("{}: {} message(s) not acknowledged by the peer are sent again later", name_,
               released.size());
  if (links_.router().journal() != nullptr) links_.router().journal()->release(released);
}

void OutboundLink::fail(Failure failure, const std::string& reason) {
  if (state_ == State::Failed) return;
  const bool wasReady = state_ == State::Ready;
  state_ = State::Failed;
  failure_ = failure;
  if (wasReady) {
    spdlog::info("{}: link lost: {}", name_, reason);
  } else {
    spdlog::warn("{}: link failed: {}; bouncing {} stanza(s)", name_, reason, queue_.size());
  }
  if (!wasReady) links_.recordFailure(domain_, failure == Failure::Unreachable);
  while (!queue_.empty()) {
    handleUndeliverable(links_.router(), queue_.front().stanza, queue_.front().journalId,
                        failure == Failure::Unreachable);
    queue_.pop_front();
  }
  countHeld();
  releaseUnacknowledged();
  for (auto& verify : verifies_) verify.done(false);
  verifies_.clear();
  if (connecting_) connecting_->close();
  if (resolver_) resolver_->cancel();
  links_.forget(domain_, this);
}

void OutboundLink::handleTick(Clock::time_point now) {
  if (tickClosing(now)) return;
  const auto& settings = links_.settings();
  if (state_ != State::Ready && now - created_ > settings.connectTimeout) {
    fail(Failure::Failed,
         "not authenticated within " + std::to_string(settings.connectTimeout.count()) + " s");
    if (transport_) {
      close(StreamError{StreamErrorCondition::ConnectionTimeout, "Too slow."});
    }
  } else if (state_ == State::Ready && awaitingAck() && !unacknowledged_.empty() &&
             now - ackRequestedAt_ > settings.connectTimeout) {
    // A peer that takes messages but never answers is as good as gone: what it did not
    // acknowledge is sent again on a new link.
    links_.forget(domain_, this);
    releaseUnacknowledged();
    endStream("no acknowledgement within the connect timeout");
  } else if (state_ == State::Ready && !unacknowledged_.empty()) {
    requestAck();  // when the last try found the table of the server's requests full
  } else if (state_ == State::Ready && now - lastActivity_ > settings.idleTimeout) {
    links_.forget(domain_, this);
    endStream("idle");
  } else if (state_ == State::Ready && now - lastWrite_ >= settings.keepaliveInterval) {
    sendRaw(" ");  // RFC 6120 §4.6.1 whitespace keepalive
  }
}

void OutboundLink::handleFinished() {
  links_.forget(domain_, this);
  // An unanswered key question leaves the table of the server's requests with its link.
  if (keyRequestId_) links_.router().pendingIqs().expire(links_.domain(), *keyRequestId_);
  // Queued stanzas of a link that ended before it was ready were handled by fail(); those of a
  // ready link that closed are sent: only acknowledgements can be missing.
  releaseUnacknowledged();
  for (auto& verify : verifies_) verify.done(false);
  verifies_.clear();
  spdlog::info("{}: link closed", name_);
}

}  // namespace kontalk::s2s
