#pragma once
// One outbound s2s link to a remote domain (RFC 6120 as the initiating entity, spec §7.2, §7.9):
// resolve ([s2s] hosts, else SRV _xmpp-server._tcp, else A/AAAA on port 5269), connect, STARTTLS
// presenting our certificate (a peer offering none is refused with [s2s] require_tls and always
// when it is a network domain), then SASL EXTERNAL when offered, else dialback (XEP-0220); whether
// the peer's certificate is valid for its domain is recorded for the network's membership
// (LinkManager::recordAuthentication), and with [s2s] verify_keys the link asks a network peer
// for its server key once. Stanzas wait in memory (bounded) until the link is
// authenticated and then leave in order. When the attempt fails, or takes longer than [s2s]
// connect_timeout, what waited is undeliverable (s2s/undeliverable.hpp: recorded messages are
// handed back to the journal, the rest bounces or is dropped), and the domain backs off
// (LinkManager::recordFailure). The link also carries our db:verify requests for inbound links from
// its domain: they need only an open stream, not an authenticated one (XEP-0220 §2.3).
//
// Acknowledgements (spec §7.9): a recorded message (one with a delivery-journal id) stays stored
// until the peer has taken it (UnacknowledgedMessages numbers what the link sent). When the
// peer's features offer stream management, the link sends <enable/> (XEP-0198 §3, without
// resumption: what a lost link did not get acknowledged is sent again on a new one), then <r/>
// after a burst of recorded messages, and the peer's <a h='…'/> settles those it covers; an 'h'
// beyond what was sent is a stream error (XEP-0198 §4). Without stream management, or when the
// peer answers <failed/>, the link sends a XEP-0199 ping instead; the peer handles a stream's
// stanzas in order, so any answer to it (it comes back over the peer's own link to us, through
// the router's table of the server's requests) covers every message sent before it. Either way
// one request is outstanding at a time, so acknowledgements batch under load. A link that ends
// with messages not covered hands them back (RemoteDelivery sends them again: at-least-once);
// so does one whose request stays unanswered for [s2s] connect_timeout, which is then closed as
// dead.
//
// Keepalive (RFC 6120 §4.6.1): an authenticated link silent for [s2s] keepalive_interval sends
// a space; idle_timeout counts elements only, so keepalives do not hold an unused link open.
//
// Threading: everything on the link's shard; LinkManager posts to it.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "api/delivery_journal.hpp"
#include "base/metrics.hpp"
#include "s2s/link_connection.hpp"
#include "s2s/link_manager.hpp"
#include "s2s/unacknowledged_messages.hpp"

namespace kontalk::s2s {

class OutboundLink final : public LinkConnection {
 public:
  OutboundLink(LinkManager& links, stream::StreamRegistry& registry, std::string domain);

  // On the link's shard: registers it and starts connecting.
  void start();
  // Sends now, or queues until the link is authenticated, or hands it to handleUndeliverable
  // when the link failed. `journalId` as in router::RemoteRoute::send.
  void enqueue(xml::Element stanza, api::JournalId journalId);
  void requestVerify(std::string streamId, std::string key, LinkManager::VerifyCallback done);
  void handleTick(std::chrono::steady_clock::time_point now) override;

 private:
  enum class State { Connecting, Negotiating, Ready, Failed };
  // Unreachable: refused or unresolvable (remote-server-not-found); Failed: the rest (timeout,
  // TLS or authentication failure: remote-server-timeout), spec §7.9.
  enum class Failure { Unreachable, Failed };
  // How the peer acknowledges (spec §7.9): Enabling while <enable/> waits for its answer.
  enum class AckMode { Enabling, StreamManagement, Ping };
  struct PendingVerify {
    std::string streamId;
    std::string key;
    LinkManager::VerifyCallback done;
    bool sent = false;
  };

  Awaitable<void> run();
  Awaitable<bool> connect();
  void handleHeader(const xml::Element& header) override;
  Awaitable<void> handleElement(xml::Element element) override;
  void handleFinished() override;
  void handleFeatures(const xml::Element& features);
  void sendHeader();
  void sendDialbackResult();
  void sendPendingVerifies();
  void markReady(std::string_view method);
  void fail(Failure failure, const std::string& reason);
  // Sends an authenticated stanza; a recorded one waits for an acknowledgement.
  void sendStanza(const xml::Element& stanza, api::JournalId journalId);
  // Asks for an acknowledgement (<r/> or a ping) when recorded messages wait and no request is
  // outstanding.
  void requestAck();
  void sendPing();
  // The answer to ping `sequence`, sent as stanza number `mark`, came: settles what it covers.
  void handleAck(std::uint64_t sequence, std::uint32_t mark);
  // XEP-0198 elements from the peer: <enabled/>, <failed/>, <a/>, <r/>.
  void handleStreamManagement(const xml::Element& element);
  void settle(const std::vector<api::JournalId>& settled);
  bool awaitingAck() const;
  // The link is over: hands back the recorded messages nobody acknowledged, forgets the ping.
  void releaseUnacknowledged();
  void countHeld();  // the gauges follow queue_ and unacknowledged_
  // Spec §7.2 verify_keys: asks the peer for its server key, once per link.
  void requestKey();

  std::string domain_;
  const std::uint64_t linkNumber_;
  State state_ = State::Connecting;
  Failure failure_ = Failure::Failed;
  std::optional<asio::ip::tcp::socket> connecting_;
  std::optional<asio::ip::tcp::resolver> resolver_;
  std::string streamId_;  // the id of the peer's current stream header
  bool tls_ = false;
  bool saslTried_ = false;
  bool dialbackOffered_ = false;
  bool streamUsable_ = false;   // features seen after TLS: db:verify may be sent
  bool saslSucceeded_ = false;  // ready with the features of the restarted stream
  bool smOffered_ = false;      // the latest features offer XEP-0198 (urn:xmpp:sm:3)
  struct Queued {
    xml::Element stanza;
    api::JournalId journalId = 0;
  };
  std::deque<Queued> queue_;
  std::vector<PendingVerify> verifies_;
  AckMode ackMode_ = AckMode::Ping;
  UnacknowledgedMessages unacknowledged_;
  std::uint64_t pingSequence_ = 0;
  std::optional<std::string> pingId_;  // the outstanding ping's id
  bool ackRequested_ = false;          // an <r/> is outstanding
  // When the outstanding ping, <r/> or <enable/> was sent.
  std::chrono::steady_clock::time_point ackRequestedAt_{};
  std::optional<std::string> keyRequestId_;  // the key question's id, once asked
  // This link's parts of the s2s gauges (s2s_metrics.hpp); countHeld() keeps them current.
  base::metrics::GaugeHold linkCounted_;
  base::metrics::GaugeShare queuedCounted_;
  base::metrics::GaugeShare unacknowledgedCounted_;
};

}  // namespace kontalk::s2s
