#pragma once
// A bound c2s session as the router sees it (router::LocalSession), and the state that outlives
// one connection: stream management's counters and unacknowledged stanzas (XEP-0198). A
// resumable session whose connection broke stays bound, "detached", queueing what it receives
// until it is resumed or its resumption times out; then it ends, and what it never had
// acknowledged goes back to the router for the account's other resources or offline storage
// (ARCHITECTURE.md §6).
//
// Threading: deliver() and terminate() are thread-safe; everything else runs on the session's
// shard.

#include <chrono>
#include <deque>
#include <memory>
#include <optional>

#include "core/asio.hpp"
#include "router/local_session.hpp"
#include "stream/c2s_services.hpp"
#include "stream/stream_management.hpp"

namespace kontalk::stream {

class C2sStream;

class C2sSessionHandle final : public router::LocalSession,
                               public std::enable_shared_from_this<C2sSessionHandle> {
 public:
  C2sSessionHandle(xmpp::Jid jid, api::ClientInfo client, C2sServices& services,
                   asio::io_context& shard);

  void deliver(xml::Element stanza) override;
  void terminate(xmpp::StreamError error) override;

  asio::io_context& shard() { return shard_; }
  StreamManagement& streamManagement() { return streamManagement_; }
  const std::string& resumptionId() const { return resumptionId_; }
  void setResumptionId(std::string id) { resumptionId_ = std::move(id); }

  // The connection serving this session now (on this shard).
  void attach(std::weak_ptr<C2sStream> stream);
  // The connection broke but the session is resumable: wait `timeout` for a resumption.
  void detach(std::chrono::seconds timeout);
  // The session is over: leave the router and hand unacknowledged stanzas back to it.
  void end();

  // Resumption from another connection (possibly on another shard). takeOver() runs on this
  // session's shard: it silences a still attached old connection and hands over the stream
  // management state; nullopt when the session has ended. Afterwards everything delivered here
  // goes to `successor` once forwardTo() names it.
  std::optional<StreamManagement> takeOver();
  void forwardTo(std::shared_ptr<C2sSessionHandle> successor);

 private:
  // On the shard: hand to the connection, queue while detached, or forward after a takeover.
  void receive(xml::Element stanza);
  // Gives a stanza the session cannot take back to the router (RFC 6121 §8.5.3.2.1: a message to
  // a full JID that is gone goes to the bare JID); IQ requests are answered with an error.
  void reroute(xml::Element stanza);

  C2sServices& services_;
  asio::io_context& shard_;
  std::weak_ptr<C2sStream> stream_;
  StreamManagement streamManagement_;
  std::string resumptionId_;
  bool detached_ = false;
  unsigned detachGeneration_ = 0;
  bool ended_ = false;
  bool movedOut_ = false;
  std::shared_ptr<C2sSessionHandle> successor_;
  std::deque<xml::Element> awaitingSuccessor_;
};

}  // namespace kontalk::stream
