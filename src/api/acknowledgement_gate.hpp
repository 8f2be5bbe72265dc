#pragma once
// What a stanza source owes its peer before it may acknowledge a stanza (ARCHITECTURE.md §6):
// a client stream's XEP-0198 <a h/>, an inbound s2s link's ping answer. The delivery journal
// covers what the router recorded or stored; a module that finishes a stanza's work later (the
// roster writes a subscription on a worker, then sends it on) holds the source's
// acknowledgements until that work is done, so that an <a/> never covers a subscription that is
// neither stored nor recorded yet (spec §7.9).
//
// A hold is taken while the stanza is handled (StanzaEvent::holdAcknowledgement()), travels
// with the deferred work (ModuleHost::send(stanza, hold) releases it after routing), and is
// released when its last copy is destroyed. whenOpen() waits only for holds taken before it, so
// a steady flow of new work never starves an acknowledgement.
//
// Threading: every member may be called from any thread. Callbacks run on the thread that
// released the last hold they waited for, or on the caller's when none was outstanding: they
// must only post work.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

namespace kontalk::api {

class AcknowledgementGate;
struct GateRelease;

// Copyable; the hold ends when the last copy is destroyed. An empty hold holds nothing.
class AcknowledgementHold {
 public:
  AcknowledgementHold() = default;
  explicit operator bool() const { return token_ != nullptr; }

 private:
  friend class AcknowledgementGate;
  struct Token;
  explicit AcknowledgementHold(std::shared_ptr<const Token> token) : token_(std::move(token)) {}
  std::shared_ptr<const Token> token_;
};

class AcknowledgementGate : public std::enable_shared_from_this<AcknowledgementGate> {
 public:
  static std::shared_ptr<AcknowledgementGate> create();

  AcknowledgementHold hold();
  // Calls `done` once every hold taken before this call has ended (at once when none is out).
  void whenOpen(std::function<void()> done);
  std::size_t holdsOutstanding() const;

 private:
  friend struct GateRelease;
  AcknowledgementGate() = default;
  void release(std::uint64_t id);

  mutable std::mutex mutex_;
  std::uint64_t nextId_ = 1;
  std::set<std::uint64_t> held_;
  // Waiters in call order, each with the first id taken after it: it waits for smaller ones.
  std::deque<std::pair<std::uint64_t, std::function<void()>>> waiting_;
};

// Where a stanza came from, as far as acknowledgements go: the source's gate (a hold is taken
// from it on demand, so stanzas that nobody defers cost nothing), or a hold that deferred work
// carries on (a subscription the roster sends on keeps its sender's hold).
struct AcknowledgementSource {
  AcknowledgementGate* gate = nullptr;
  AcknowledgementHold carried;

  AcknowledgementHold hold() const {
    if (carried) return carried;
    return gate != nullptr ? gate->hold() : AcknowledgementHold{};
  }
};

}  // namespace kontalk::api
