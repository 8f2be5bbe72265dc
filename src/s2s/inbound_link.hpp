#pragma once
// One inbound s2s link (RFC 6120 as the receiving entity, spec §7.2): a jabber:server stream,
// STARTTLS (mandatory with [s2s] require_tls, and always for a peer claiming a network domain),
// then SASL EXTERNAL, offered only when the peer's
// certificate is valid for the domain its stream header names (XEP-0178), or dialback
// (XEP-0220): a <db:result/> is checked with the claimed domain's authoritative server before
// the domain counts as authenticated; how it was (with a valid certificate or not) is recorded
// for the network's membership (LinkManager::recordAuthentication). It also answers other servers'
// <db:verify/> checks of keys we generated. Authenticated stanzas must come from an authenticated
// domain (else <invalid-from/>) and go to ours (else <host-unknown/>); they take the local routing
// path.
//
// Acknowledgements (spec §7.9): the peer forgets what it sent once we acknowledge it, so an
// acknowledgement waits until everything before it on the stream is delivered or durable here
// (the delivery journal's whenDurable): the answer to a ping, and with stream management
// (XEP-0198, offered with the features that precede authentication: after SASL's restart, or
// beside dialback, which has no later features; without resumption) the <a h='…'/> answering
// <r/>, 'h' counting the stanzas handled since <enable/>.
//
// Threading: everything on the link's shard; dialback verdicts are posted back to it.

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "api/acknowledgement_gate.hpp"
#include "base/metrics.hpp"
#include "s2s/link_connection.hpp"
#include "s2s/link_manager.hpp"

namespace kontalk::s2s {

class InboundLink final : public LinkConnection {
 public:
  // Serves a freshly accepted socket, on the registry's shard; refuses it beyond
  // [s2s] max_connections.
  static void start(LinkManager& links, stream::StreamRegistry& registry,
                    asio::ip::tcp::socket socket);

  InboundLink(LinkManager& links, stream::StreamRegistry& registry);
  void handleTick(std::chrono::steady_clock::time_point now) override;

 private:
  Awaitable<void> run();
  void handleHeader(const xml::Element& header) override;
  Awaitable<void> handleElement(xml::Element element) override;
  void handleFinished() override;
  void sendHeaderForError() override;
  void sendHeader();
  void sendFeatures();
  Awaitable<void> handleStartTls();
  void handleSasl(const xml::Element& element);
  void handleDialbackResult(const xml::Element& result);
  void handleDialbackVerify(const xml::Element& verify);
  void handleDialbackVerdict(const std::string& domain, bool valid);
  void handleStanza(xml::Element stanza);
  // XEP-0198: <enable/>, <r/>, <a/>.
  void handleStreamManagement(const xml::Element& element);
  void sendStreamManagementFailure(std::string_view condition);
  // Queues the answer <a h='handled'/> and sends it once what came before is durable.
  void acknowledgeWhenDurable(std::uint32_t handled);
  void sendDueAcknowledgement();
  // The peer's certificate is valid for the domain its header names (XEP-0178 §3).
  bool offersExternal() const;
  bool negotiationAllowed() const;

  std::string id_;          // our stream id, the one dialback keys bind
  std::string peerDomain_;  // 'from' of the peer's current stream header
  bool headerSent_ = false;
  bool tls_ = false;
  bool saslDone_ = false;
  std::set<std::string> authenticated_;  // domains the peer may send from
  std::size_t pendingDialbacks_ = 0;
  // Ping answers (the peer's acknowledgements, spec §7.9) wait for the modules' work on the
  // stanzas before them (api/acknowledgement_gate.hpp).
  std::shared_ptr<api::AcknowledgementGate> acknowledgementGate_ =
      api::AcknowledgementGate::create();
  bool smEnabled_ = false;
  std::uint32_t handled_ = 0;  // stanzas handled since <enable/>, mod 2^32 (XEP-0198 §4)
  std::deque<std::uint32_t> acknowledgementsDue_;
  base::metrics::GaugeHold linkCounted_;  // kontalk_s2s_links{direction="inbound"}
};

}  // namespace kontalk::s2s
