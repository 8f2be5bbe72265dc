#include "s2s/inbound_link.hpp"

#include <charconv>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/encoding.hpp"
#include "core/spawn.hpp"
#include "s2s/dialback_key.hpp"
#include "s2s/s2s_metrics.hpp"
#include "s2s/s2s_tls.hpp"
#include "s2s/stanza_namespace.hpp"
#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::s2s {
namespace {

using Clock = std::chrono::steady_clock;
using xmpp::StreamError;
using xmpp::StreamErrorCondition;

// Dialback checks one stream may have outstanding: each costs a db:verify to another server.
constexpr std::size_t kMaxPendingDialbacks = 8;
// Domains one link may authenticate with dialback (XEP-0220 §4.4 lets a server multiplex its
// virtual hosts over one stream): a bound on the set each stanza is checked against.
constexpr std::size_t kMaxDomainsPerLink = 100;
// An inbound link has this long to authenticate (as c2s's default auth_timeout).
constexpr auto kAuthTimeout = std::chrono::seconds(60);
// Answers to <r/> that may wait for durability at once (as for c2s): a peer asking faster than
// the journal commits is misbehaving.
constexpr std::size_t kMaxAcknowledgementsDue = 1000;

std::optional<xmpp::Jid> parseDomain(std::string_view text) {
  auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->isDomain()) return std::nullopt;
  return jid;
}

}  // namespace

void InboundLink::start(LinkManager& links, stream::StreamRegistry& registry,
                        asio::ip::tcp::socket socket) {
  auto link = std::make_shared<InboundLink>(links, registry);
  link->attach(std::make_unique<net::Transport>(std::move(socket)));
  const std::size_t connections = links.inboundConnections().fetch_add(1) + 1;
  registry.add(*link);
  if (connections > links.settings().maxConnections) {
    spdlog::warn("{}: refusing {}: {} inbound s2s connections is the configured maximum",
                 link->name(), link->transport_->remoteAddress(), links.settings().maxConnections);
    link->finish();
    return;
  }
  spdlog::info("{}: connection from {}", link->name(), link->transport_->remoteAddress());
  core::spawnLogged(
      registry.shard(), [link]() { return link->run(); }, link->name(),
      [link] {
        link->abort();
        link->finish();
      });
}

InboundLink::InboundLink(LinkManager& links, stream::StreamRegistry& registry)
    : LinkConnection(links, registry, "s2s-in"), linkCounted_(s2sMetrics().inboundLinks) {}

Awaitable<void> InboundLink::run() {
  co_await readLoop();
  finish();
}

void InboundLink::handleFinished() {
  links_.inboundConnections().fetch_sub(1);
  spdlog::info("{}: link closed", name_);
}

bool InboundLink::offersExternal() const {
  return tls_ && !peerDomain_.empty() &&
         peerCertificateValidFor(transport_->peerCertificate(), transport_->peerVerifyResult(),
                                 peerDomain_);
}

// Before TLS only STARTTLS, unless [s2s] require_tls is off and the peer claims no network
// domain (spec §7.2).
bool InboundLink::negotiationAllowed() const {
  return tls_ || !links_.requiresTls(peerDomain_);
}

void InboundLink::handleHeader(const xml::Element& header) {
  const std::string_view from = header.attribute("from");
  peerDomain_ = parseDomain(from) ? std::string(from) : std::string();
  sendHeader();
  if (header.name() != "stream" || header.xmlns() != ns::kStreams ||
      header.attribute("xmlns") != ns::kServer) {
    close(StreamError{StreamErrorCondition::InvalidNamespace, "Expected a jabber:server stream."});
    return;
  }
  if (header.attribute("to") != links_.domain()) {
    close(StreamError{StreamErrorCondition::HostUnknown,
                      "This server does not serve '" + std::string(header.attribute("to")) + "'."});
    return;
  }
  // RFC 6120 §4.7.5: version 1.0 (servers without it speak only pre-RFC dialback).
  if (header.attribute("version").substr(0, 2) != "1.") {
    close(StreamError{StreamErrorCondition::UnsupportedVersion, "XMPP 1.0 is required."});
    return;
  }
  sendFeatures();
}

void InboundLink::sendHeader() {
  headerSent_ = true;
  id_ = base::randomAlphanumeric(16);  // a new one per stream: dialback keys bind it
  std::string header =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
      "xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' "
      "version='1.0' id='";
  header += id_;
  header += "' from='";
  xml::appendEscapedAttribute(header, links_.domain());
  if (!peerDomain_.empty()) {
    header += "' to='";
    xml::appendEscapedAttribute(header, peerDomain_);
  }
  header += "'>";
  sendRaw(header);
}

void InboundLink::sendHeaderForError() {
  if (!headerSent_) sendHeader();
}

void InboundLink::sendFeatures() {
  xml::Element features("features", ns::kStreams);
  if (!saslDone_) {
    if (!tls_) {
      auto& starttls = features.addChild("starttls", ns::kTls);
      if (links_.requiresTls(peerDomain_)) starttls.addChild("required", ns::kTls);
    }
    if (negotiationAllowed()) {
      if (offersExternal()) {
        features.addChild("mechanisms", ns::kSasl)
            .addChild("mechanism", ns::kSasl)
            .addText("EXTERNAL");
      }
      // Also with [s2s] require_certificate: a dialback-only peer is a non-member of the
      // network, not refused (spec §7.2).
      features.addChild("dialback", ns::kDialbackFeature);
      // Dialback authenticates without a later features element: stream management is offered
      // here, and <enable/> is taken once a domain is authenticated.
      features.addChild("sm", ns::kStreamManagement);
    }
  } else {
    features.addChild("sm", ns::kStreamManagement);  // after SASL's restart (XEP-0198 §3)
  }
  sendElement(features);
}

Awaitable<void> InboundLink::handleElement(xml::Element element) {
  const std::string& xmlns = element.xmlns();
  if (element.is("starttls", ns::kTls)) {
    co_await handleStartTls();
  } else if (xmlns == ns::kSasl && negotiationAllowed() && !saslDone_) {
    handleSasl(element);
  } else if (element.is("result", ns::kDialback) && negotiationAllowed()) {
    handleDialbackResult(element);
  } else if (element.is("verify", ns::kDialback) && negotiationAllowed()) {
    handleDialbackVerify(element);
  } else if (xmlns == ns::kServer && (element.name() == "message" || element.name() == "presence" ||
                                      element.name() == "iq")) {
    handleStanza(std::move(element));
  } else if (xmlns == ns::kStreamManagement && !authenticated_.empty()) {
    handleStreamManagement(element);
  } else if (element.is("error", ns::kStreams)) {
    const auto* condition = element.firstChildIn(ns::kStreamErrors);
    spdlog::info("{}: stream error from the peer: {}", name_,
                 condition != nullptr ? condition->name() : "(none)");
    endStream("after the peer's stream error");
  } else if (authenticated_.empty()) {
    spdlog::info("{}: <{}/> from {} before authentication", name_, element.name(),
                 transport_->remoteAddress());
    close(StreamError{StreamErrorCondition::NotAuthorized, "Authenticate first."});
  } else {
    close(StreamError{StreamErrorCondition::UnsupportedStanzaType,
                      "Unexpected <" + element.name() + "/>."});
  }
}

Awaitable<void> InboundLink::handleStartTls() {
  if (tls_) {
    close(StreamError{StreamErrorCondition::PolicyViolation, "TLS is already active."});
    co_return;
  }
  sendElement(xml::Element("proceed", ns::kTls));
  tls_ = co_await upgradeToTls(links_.serverTls(), false, {});
}

void InboundLink::handleSasl(const xml::Element& element) {
  auto failure = [this](std::string_view condition) {
    xml::Element reply("failure", ns::kSasl);
    reply.addChild(std::string(condition), ns::kSasl);
    sendElement(reply);
  };
  if (element.name() != "auth") {
    if (element.name() == "abort") {
      failure("aborted");
    } else {
      close(StreamError{StreamErrorCondition::UnsupportedStanzaType, "Unexpected SASL element."});
    }
    return;
  }
  if (element.attribute("mechanism") != "EXTERNAL" || !offersExternal()) {
    spdlog::info("{}: refused SASL {} from {} (claims '{}')", name_, element.attribute("mechanism"),
                 transport_->remoteAddress(), peerDomain_);
    failure("invalid-mechanism");
    return;
  }
  // XEP-0178 §3: an empty authorization identity ("=") or the certificate's own domain.
  const std::string text = element.text();
  if (text != "=" && !text.empty()) {
    const auto authzid = base::base64Decode(text);
    if (!authzid || *authzid != peerDomain_) {
      spdlog::info("{}: SASL EXTERNAL for another identity than '{}'", name_, peerDomain_);
      failure("invalid-authzid");
      return;
    }
  }
  saslDone_ = true;
  authenticated_.insert(peerDomain_);
  links_.recordAuthentication(peerDomain_, true);
  spdlog::info("{}: {} authenticated with SASL EXTERNAL", name_, peerDomain_);
  sendElement(xml::Element("success", ns::kSasl));
  restartStream();  // RFC 6120 §6.4.6
}

void InboundLink::handleDialbackResult(const xml::Element& result) {
  const auto from = parseDomain(result.attribute("from"));
  if (!from) {
    close(StreamError{StreamErrorCondition::InvalidFrom, "Dialback needs a domain in 'from'."});
    return;
  }
  if (result.attribute("to") != links_.domain()) {
    close(StreamError{StreamErrorCondition::HostUnknown, "This server does not serve that."});
    return;
  }
  const std::string domain = from->domain();
  if (!tls_ && links_.requiresTls(domain)) {
    // Spec §7.2: a network domain (or any, with [s2s] require_tls) only inside TLS; the header's
    // 'from' may have named another domain than this one.
    close(
        StreamError{StreamErrorCondition::PolicyViolation, "TLS is required for " + domain + "."});
    return;
  }
  if (domain == links_.domain()) {
    close(StreamError{StreamErrorCondition::InvalidFrom, "That is this server's own domain."});
    return;
  }
  if (authenticated_.contains(domain)) {
    xml::Element answer("result", ns::kDialback);
    answer.setAttribute("from", links_.domain());
    answer.setAttribute("to", domain);
    answer.setAttribute("type", "valid");
    sendElement(answer);
    return;
  }
  if (pendingDialbacks_ >= kMaxPendingDialbacks ||
      authenticated_.size() + pendingDialbacks_ >= kMaxDomainsPerLink) {
    close(StreamError{StreamErrorCondition::PolicyViolation, "Too many dialback requests."});
    return;
  }
  ++pendingDialbacks_;
  spdlog::info("{}: checking the dialback key of {} with its authoritative server", name_, domain);
  auto weak = std::weak_ptr<LinkConnection>(shared_from_this());
  auto& shard = registry_.shard();
  links_.verifyDialback(domain, id_, result.text(), [weak, &shard, domain](bool valid) {
    asio::post(shard, [weak, domain, valid] {
      if (auto link = weak.lock()) {
        static_cast<InboundLink&>(*link).handleDialbackVerdict(domain, valid);
      }
    });
  });
}

void InboundLink::handleDialbackVerdict(const std::string& domain, bool valid) {
  --pendingDialbacks_;
  if (closing_) return;
  xml::Element answer("result", ns::kDialback);
  answer.setAttribute("from", links_.domain());
  answer.setAttribute("to", domain);
  answer.setAttribute("type", valid ? "valid" : "invalid");
  sendElement(answer);
  if (valid) {
    authenticated_.insert(domain);
    // A certificate valid for the domain may come with dialback (a peer that does not do
    // SASL EXTERNAL): it counts for require_certificate all the same (spec §7.2).
    const bool certified = tls_ && peerCertificateValidFor(transport_->peerCertificate(),
                                                           transport_->peerVerifyResult(), domain);
    links_.recordAuthentication(domain, certified);
    spdlog::info("{}: {} authenticated with dialback{}", name_, domain,
                 certified ? " and a valid certificate" : "");
  } else {
    // XEP-0220 §2.4: an invalid key ends the stream.
    spdlog::info("{}: dialback key of {} is invalid", name_, domain);
    close(StreamError{StreamErrorCondition::NotAuthorized, "Invalid dialback key."});
  }
}

void InboundLink::handleDialbackVerify(const xml::Element& verify) {
  // XEP-0220 §2.3.2: another server asks whether we generated this key for its stream with id
  // 'id'; 'from' is that (receiving) server, 'to' names us as the originating one.
  const std::string_view receiving = verify.attribute("from");
  const std::string_view originating = verify.attribute("to");
  const std::string_view id = verify.attribute("id");
  const bool valid = originating == links_.domain() && !id.empty() && parseDomain(receiving) &&
                     dialbackKeyMatches(links_.secret(), receiving, originating, id, verify.text());
  spdlog::info("{}: dialback verification for {} (stream {}): {}", name_, receiving, id,
               valid ? "valid" : "invalid");
  xml::Element answer("verify", ns::kDialback);
  answer.setAttribute("from", links_.domain());
  answer.setAttribute("to", std::string(receiving));
  answer.setAttribute("id", std::string(id));
  answer.setAttribute("type", valid ? "valid" : "invalid");
  sendElement(answer);
}

void InboundLink::handleStanza(xml::Element stanza) {
  if (authenticated_.empty()) {
    spdlog::info("{}: <{}/> from {} before authentication", name_, stanza.name(),
                 transport_->remoteAddress());
    close(StreamError{StreamErrorCondition::NotAuthorized, "Authenticate first."});
    return;
  }
  // RFC 6120 §8.1.1.1, §8.1.2.2: on s2s both addresses are required.
  const auto from = xmpp::Jid::parse(stanza.attribute("from"));
  const auto to = xmpp::Jid::parse(stanza.attribute("to"));
  if (!from || !to || from->isEmpty() || to->isEmpty()) {
    spdlog::info("{}: stanza without valid 'from' and 'to'; closing", name_);
    close(StreamError{StreamErrorCondition::ImproperAddressing,
                      "Stanzas need valid 'from' and 'to' addresses."});
    return;
  }
  if (!authenticated_.contains(from->domain())) {
    spdlog::warn("{}: stanza from {}, a domain this link did not authenticate; closing", name_,
                 from->domain());
    close(StreamError{StreamErrorCondition::InvalidFrom,
                      "'" + from->domain() + "' is not authenticated on this stream."});
    return;
  }
  if (to->domain() != links_.domain()) {
    spdlog::warn("{}: stanza for {}, not served here; closing", name_, to->domain());
    close(StreamError{StreamErrorCondition::HostUnknown,
                      "This server does not serve '" + to->domain() + "'."});
    return;
  }
  if (smEnabled_) ++handled_;  // unsigned: wraps at 2^32 as XEP-0198 §4 says
  auto routed = toClientNamespace(stanza);
  auto* journal = links_.router().journal();
  if (journal != nullptr && routed.attribute("type") == "get" &&
      routed.child("ping", ns::kPing) != nullptr) {
    // Spec §7.9: the peer takes the answer to its ping as the acknowledgement of everything it
    // sent before it on this stream, and then forgets those messages: answer only once what
    // they became here is durable (delivered messages are recorded, offline ones stored, and
    // subscriptions written by the roster, which holds the gate until then).
    auto& router = links_.router();
    auto& shard = registryShard();
    acknowledgementGate_->whenOpen([journal, &router, &shard, ping = std::move(routed)]() mutable {
      journal->whenDurable([&router, &shard, ping = std::move(ping)]() mutable {
        asio::post(shard,
                   [&router, ping = std::move(ping)]() mutable { router.route(std::move(ping)); });
      });
    });
    return;
  }
  links_.router().route(std::move(routed), 0,
                        api::AcknowledgementSource{acknowledgementGate_.get(), {}});
}

void InboundLink::sendStreamManagementFailure(std::string_view condition) {
  xml::Element failed("failed", ns::kStreamManagement);
  failed.addChild(std::string(condition), ns::kStanzaErrors);
  sendElement(failed);
}

void InboundLink::handleStreamManagement(const xml::Element& element) {
  const std::string& name = element.name();
  if (name == "enable") {
    if (smEnabled_) {
      sendStreamManagementFailure("unexpected-request");
      return;
    }
    // No resumption on s2s, even when asked for (resume='true'): a peer whose link breaks sends
    // what we did not acknowledge again on a new one. So <enabled/> carries no 'resume'.
    smEnabled_ = true;
    handled_ = 0;
    spdlog::info("{}: stream management enabled by {}", name_, *authenticated_.begin());
    sendElement(xml::Element("enabled", ns::kStreamManagement));
  } else if (!smEnabled_) {
    sendStreamManagementFailure("unexpected-request");
  } else if (name == "r") {
    acknowledgeWhenDurable(handled_);
  } else if (name == "a") {
    // We send the peer no stanzas on its stream (RFC 6120 §2.4): only h='0' is true.
    if (element.attribute("h") != "0") {
      spdlog::warn("{}: the peer acknowledged h='{}' of the 0 stanzas sent to it", name_,
                   element.attribute("h"));
      close(StreamError{StreamErrorCondition::UndefinedCondition,
                        "Handled count too high: no stanza was sent on this stream."});
    }
  } else {
    close(StreamError{StreamErrorCondition::UnsupportedStanzaType,
                      "Unexpected <" + name + "/> of stream management."});
  }
}

void InboundLink::acknowledgeWhenDurable(std::uint32_t handled) {
  if (acknowledgementsDue_.size() >= kMaxAcknowledgementsDue) {
    close(StreamError{StreamErrorCondition::PolicyViolation, "Too many unanswered <r/>."});
    return;
  }
  acknowledgementsDue_.push_back(handled);
  // Spec §7.9: the peer forgets what <a/> covers: first the modules' work on the stanzas before
  // it (api/acknowledgement_gate.hpp), then the journal. Each completion sends the oldest answer
  // due: even out of order, the oldest answer's wait is over when any later one's is.
  std::function<void()> send = [weak = weak_from_this(), shard = &registry_.shard()] {
    asio::post(*shard, [weak] {
      if (auto link = weak.lock()) static_cast<InboundLink&>(*link).sendDueAcknowledgement();
    });
  };
  acknowledgementGate_->whenOpen(
      [journal = links_.router().journal(), send = std::move(send)]() mutable {
        if (journal == nullptr) {
          send();
        } else {
          journal->whenDurable(std::move(send));
        }
      });
}

void InboundLink::sendDueAcknowledgement() {
  if (acknowledgementsDue_.empty()) return;
  xml::Element answer("a", ns::kStreamManagement);
  answer.setAttribute("h", std::to_string(acknowledgementsDue_.front()));
  acknowledgementsDue_.pop_front();
  sendElement(answer);
}

void InboundLink::handleTick(Clock::time_point now) {
  if (tickClosing(now)) return;
  if (authenticated_.empty() && now - created_ > kAuthTimeout) {
    close(StreamError{StreamErrorCondition::ConnectionTimeout, "Authentication timed out."});
  } else if (now - lastActivity_ > links_.settings().idleTimeout) {
    endStream("idle");
  }
}

}  // namespace kontalk::s2s
