#pragma once
// One outbound s2s link to a remote domain (RFC 6120 as the initiating entity, spec §7.2, §7.9):
// resolve ([s2s] hosts, else SRV _xmpp-server._tcp, else A/AAAA on port 5269), connect, STARTTLS
// presenting our certificate, then SASL EXTERNAL when offered, else dialback (XEP-0220). Stanzas
// wait in memory (bounded) until the link is authenticated and then leave in order. When the
// attempt fails, or takes longer than [s2s] connect_timeout, what waited bounces (IQ requests and
// messages) or is dropped. The link also carries our db:verify requests for inbound links from its
// domain: they need only an open stream, not an authenticated one (XEP-0220 §2.3).
//
// Threading: everything on the link's shard; LinkManager posts to it.

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "s2s/link_connection.hpp"
#include "s2s/link_manager.hpp"

namespace kontalk::s2s {

class OutboundLink final : public LinkConnection {
 public:
  OutboundLink(LinkManager& links, stream::StreamRegistry& registry, std::string domain);

  // On the link's shard: registers it and starts connecting.
  void start();
  // Sends now, or queues until the link is authenticated, or bounces when it failed.
  void enqueue(xml::Element stanza);
  void requestVerify(std::string streamId, std::string key, LinkManager::VerifyCallback done);
  void handleTick(std::chrono::steady_clock::time_point now) override;

 private:
  enum class State { Connecting, Negotiating, Ready, Failed };
  // Unreachable: refused or unresolvable (remote-server-not-found); Failed: the rest (timeout,
  // TLS or authentication failure: remote-server-timeout), spec §7.9.
  enum class Failure { Unreachable, Failed };
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
  void bounce(const xml::Element& stanza, Failure failure);

  std::string domain_;
  State state_ = State::Connecting;
  Failure failure_ = Failure::Failed;
  std::optional<asio::ip::tcp::socket> connecting_;
  std::optional<asio::ip::tcp::resolver> resolver_;
  std::string streamId_;  // the id of the peer's current stream header
  bool tls_ = false;
  bool saslTried_ = false;
  bool dialbackOffered_ = false;
  bool streamUsable_ = false;  // features seen after TLS: db:verify may be sent
  std::deque<xml::Element> queue_;
  std::vector<PendingVerify> verifies_;
};

}  // namespace kontalk::s2s
