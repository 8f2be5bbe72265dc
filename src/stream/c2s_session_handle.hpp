#pragma once
// A bound c2s session as the router sees it (router::LocalSession), and the state that outlives
// one connection: stream management's counters and unacknowledged stanzas (XEP-0198). A
// resumable session whose connection broke stays bound, "detached", queueing what it receives
// until it is resumed or its resumption times out; then it ends, and what it never had
// acknowledged goes back to the router for the account's other resources or offline storage
// (ARCHITECTURE.md §6).
//
// A resumption may come in on another shard: the session then moves there, staying the same
// object, so that the directory and the modules keep knowing it. The hand-over is single-flight:
// each resumption claims the session on the session's own shard, a newer claim supersedes an
// older one, and a connection attaches only while its claim is the newest and the session lives
// on its shard (two connections resuming at once end with one owner, XEP-0198 §5).
//
// Threading: deliver() and terminate() are thread-safe; everything else runs on the session's
// current shard. Work that reaches an old shard after a move is passed on to the new one.

#include <atomic>
#include <chrono>
#include <memory>

#include "core/asio.hpp"
#include "router/local_session.hpp"
#include "stream/c2s_services.hpp"
#include "stream/stream_framing.hpp"
#include "stream/stream_management.hpp"

namespace kontalk::stream {

class C2sStream;

class C2sSessionHandle final : public router::LocalSession,
                               public std::enable_shared_from_this<C2sSessionHandle> {
 public:
  C2sSessionHandle(xmpp::Jid jid, api::ClientInfo client, C2sServices& services,
                   asio::io_context& shard);

  void deliver(xml::Element stanza, api::JournalId journalId) override;
  void terminate(xmpp::StreamError error) override;

  asio::io_context& shard() const { return *shard_.load(std::memory_order_acquire); }
  StreamManagement& streamManagement() { return streamManagement_; }
  // XEP-0198 <enable/> on this session (on its shard); streamManagementEnabled() is thread-safe
  // (kontalkctl sessions list).
  void enableStreamManagement(bool resumable) {
    streamManagement_.enable(resumable);
    streamManagementEnabled_.store(true, std::memory_order_relaxed);
  }
  bool streamManagementEnabled() const {
    return streamManagementEnabled_.load(std::memory_order_relaxed);
  }
  // When the session was bound. Thread-safe.
  std::chrono::system_clock::time_point boundAt() const { return boundAt_; }
  const std::string& resumptionId() const { return resumptionId_; }
  void setResumptionId(std::string id) { resumptionId_ = std::move(id); }
  bool hasEnded() const { return ended_; }
  // Thread-safe: the transport of the connection the session was last attached to (a resumption
  // may move a session between TCP and WebSocket).
  TransportKind transport() const { return transport_.load(std::memory_order_relaxed); }

  // The connection serving this session now (on this shard).
  void attach(std::weak_ptr<C2sStream> stream);
  // The connection broke but the session is resumable: wait `timeout` for a resumption.
  void detach(std::chrono::seconds timeout);
  // The session is over: leave the router and hand unacknowledged stanzas back to it.
  void end();
  // Thread-safe: end() on the session's shard, following a move, then `done` there (shutdown).
  void endOnItsShard(std::function<void()> done);

  // A resumption (XEP-0198 §5) from a connection on `shard` claims the session. Must run on the
  // session's current shard (it throws std::logic_error elsewhere): silences a still attached
  // old connection, stops the resumption timeout, supersedes every earlier claim and moves the
  // session to `shard`. Returns the claim, or 0 when the session ended.
  std::uint64_t claimForResumption(asio::io_context& shard);
  // Whether `claim` still owns the session from the calling thread: it is the newest claim, the
  // session has not ended, and it lives on the caller's shard (so nothing else can move it until
  // the caller yields). The resuming connection checks this before every step it takes.
  bool holdsClaim(std::uint64_t claim) const;
  // claimForResumption() from the resuming connection's shard `here`, on whatever shard the
  // session lives: 0 when the session ended or kept moving.
  static Awaitable<std::uint64_t> claim(std::shared_ptr<C2sSessionHandle> session,
                                        asio::io_context* here);

 private:
  bool isOnItsShard() const { return shard().get_executor().running_in_this_thread(); }
  // claim() on the shard the session lived on when it was spawned: the claim, 0 when the
  // session ended, kMoved when it moved away meanwhile (claim() follows it).
  static constexpr std::uint64_t kMoved = ~std::uint64_t{0};
  static Awaitable<std::uint64_t> claimOnItsShard(std::shared_ptr<C2sSessionHandle> session,
                                                  asio::io_context* here);
  // On the shard: hand to the connection, queue while detached, or pass back to the router.
  void receive(xml::Element stanza, api::JournalId journalId);
  // Gives a stanza the session cannot take back to the router (RFC 6121 §8.5.3.2.1: a message to
  // a full JID that is gone goes to the bare JID, keeping its journal record); IQ requests are
  // answered with an error.
  void reroute(xml::Element stanza, api::JournalId journalId);
  void stopResumptionTimer();
  static Awaitable<void> awaitResumption(std::shared_ptr<C2sSessionHandle> self,
                                         unsigned generation, std::chrono::seconds timeout,
                                         asio::io_context* shard);

  C2sServices& services_;
  std::atomic<asio::io_context*> shard_;
  std::weak_ptr<C2sStream> stream_;
  std::atomic<TransportKind> transport_{TransportKind::Tcp};
  StreamManagement streamManagement_;
  std::string resumptionId_;
  bool detached_ = false;
  unsigned detachGeneration_ = 0;
  asio::steady_timer* resumptionTimer_ = nullptr;  // in the waiting coroutine's frame
  // The newest resumption claim; written on the session's shard, read by claimants on theirs.
  std::atomic<std::uint64_t> claim_{0};
  bool ended_ = false;
  std::atomic<bool> streamManagementEnabled_{false};
  const std::chrono::system_clock::time_point boundAt_ = std::chrono::system_clock::now();
};

}  // namespace kontalk::stream
