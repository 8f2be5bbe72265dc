#pragma once
// What the router knows of one bound client session: its full JID, presence state, and a
// thread-safe way to hand it a stanza. The c2s stream implements it; the router never sees a
// socket. Modules see it as an api::Session.
// Threading: jid(), client() and the presence may be read from any thread; setPresence() runs
// on the session's shard; deliver() and terminate() may be called from any thread.

#include <atomic>
#include <chrono>

#include "api/acknowledgement_gate.hpp"
#include "api/delivery_journal.hpp"
#include "api/session.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stream_error.hpp"

namespace kontalk::router {

class LocalSession : public api::Session {
 public:
  LocalSession(xmpp::Jid jid, api::ClientInfo client)
      : jid_(std::move(jid)), client_(std::move(client)) {}
  LocalSession(const LocalSession&) = delete;
  LocalSession& operator=(const LocalSession&) = delete;

  const xmpp::Jid& jid() const override { return jid_; }
  const api::ClientInfo& client() const override { return client_; }

  // Presence as last broadcast by the client (RFC 6121 §4.7.2.3). Written by the router on the
  // session's own shard, read by routing decisions on any shard.
  bool isAvailable() const override { return available_.load(std::memory_order_acquire); }
  int priority() const override { return priority_.load(std::memory_order_acquire); }
  void setPresence(bool available, int priority) {
    priority_.store(priority, std::memory_order_release);
    available_.store(available, std::memory_order_release);
  }

  // Written by the c2s stream on the session's shard, read by modules on any shard.
  bool isDetached() const override { return detached_.load(std::memory_order_acquire); }
  void setDetached(bool detached) { detached_.store(detached, std::memory_order_release); }
  std::chrono::steady_clock::time_point lastActivity() const override {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(lastActivity_.load(std::memory_order_acquire)));
  }
  void noteActivity(std::chrono::steady_clock::time_point at) {
    lastActivity_.store(at.time_since_epoch().count(), std::memory_order_release);
  }

  // Thread-safe: queues `stanza` for this session on its own shard. Callers go through
  // Router::deliver so that the ToSession hooks run. `journalId` is the message's
  // delivery-journal record (0: none), settled when the client acknowledges the stanza.
  virtual void deliver(xml::Element stanza, api::JournalId journalId) = 0;
  // Thread-safe: closes the session with a stream error (e.g. <conflict/> when replaced).
  virtual void terminate(xmpp::StreamError error) = 0;

  // Holds the session's stream-management acknowledgements while modules finish work its
  // stanzas caused (api/acknowledgement_gate.hpp). The session's, not one connection's: a
  // resumed connection's <resumed h/> waits for it too. Thread-safe.
  api::AcknowledgementGate& acknowledgementGate() const { return *acknowledgementGate_; }

 private:
  xmpp::Jid jid_;
  api::ClientInfo client_;
  std::atomic<bool> available_{false};
  std::atomic<int> priority_{0};
  std::atomic<bool> detached_{false};
  std::shared_ptr<api::AcknowledgementGate> acknowledgementGate_ =
      api::AcknowledgementGate::create();
  // steady_clock ticks; bound sessions start active.
  std::atomic<std::chrono::steady_clock::rep> lastActivity_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
};

}  // namespace kontalk::router
