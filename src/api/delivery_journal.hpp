#pragma once
// The delivery contract's record (ARCHITECTURE.md §6): a message the server acknowledged to its
// sender is either acknowledged by a recipient session or durably stored. The offline module
// provides the journal (api::ModuleHost::provideDeliveryJournal); the router records messages on
// their way to a session, the c2s streams report the acknowledgements and hold back their own
// acknowledgements to senders until what they routed is durable. Without a provider, nothing is
// recorded and acknowledgements are immediate.
//
// Backpressure: the journal holds what is not durable yet in memory, up to a bound. When storage
// is slow or failing and the bound is reached, isAccepting() turns false and c2s streams stop
// reading from their clients until whenAccepting() calls back: TCP then pushes back on the
// senders. record() itself never refuses (a stanza already read is never dropped), so the journal
// may exceed its bound by what the streams read before they stopped (one read each).
//
// Threading: every method may be called from any thread.

#include <cstdint>
#include <functional>
#include <span>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

// Identifies one recorded message; 0 means "not recorded".
using JournalId = std::int64_t;

class DeliveryJournal {
 public:
  virtual ~DeliveryJournal() = default;

  // `message` is about to be handed to a session of `account` (a bare JID). Returns the record
  // that now covers it: `existing` when the message already has one (it was rerouted), a new
  // one, or 0 when the message needs none (nothing worth keeping in it, XEP-0160 rules).
  virtual JournalId record(const xml::Element& message, const xmpp::Jid& account,
                           JournalId existing) = 0;
  // These messages need no more keeping: a session acknowledged them (XEP-0198), took them on a
  // stream without acknowledgements, or a module dropped them on purpose (blocking).
  virtual void settle(std::span<const JournalId> ids) = 0;
  // These messages did not reach the client after all (a write to its socket failed): they stay
  // stored, no session holds them any more, and offline delivery takes them again.
  virtual void release(std::span<const JournalId> ids) = 0;
  // Calls `done` once everything recorded or stored before this call is durable; at once (on
  // this thread) when it already is, else later on the journal's own thread.
  virtual void whenDurable(std::function<void()> done) = 0;
  // Whether the journal takes more now (see Backpressure above). Cheap: an atomic load.
  virtual bool isAccepting() const = 0;
  // Calls `ready` once the journal accepts again, or stops: at once (on this thread) when it
  // does, else later on whichever thread drained the journal.
  virtual void whenAccepting(std::function<void()> ready) = 0;
};

}  // namespace kontalk::api
