#pragma once
// Named points in a stanza's path (ARCHITECTURE.md §2) where modules act. Handlers of one point
// run in ascending `order` (docs/architecture.md lists the orders in use); the first that returns
// Handled consumes the stanza (it is neither routed nor delivered further).
// Threading: handlers run on a shard thread, concurrently with each other: state they share is
// the module's to synchronise.

#include <functional>

#include "api/acknowledgement_gate.hpp"
#include "api/delivery_journal.hpp"
#include "api/session.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

enum class HandlerResult { Handled, Continue };

enum class StanzaHook {
  // A bound client's stanza, validated and stamped with its full 'from', before routing. Runs
  // on the sender's shard; `session` is the sender.
  FromClient,
  // A message or presence addressed to a local account's bare JID (or, for messages, to a full
  // JID whose session is gone), before the router picks resources: the server acting on the
  // account's behalf (subscriptions, probes, blocking). `session` is null.
  ToAccount,
  // About to be handed to one session: the last chance to hold back or drop (CSI, blocking).
  // `session` is the recipient.
  ToSession,
  // A message for a local account that no session accepted (RFC 6121 §8.5.2.2): offline storage.
  // `session` is null. When nobody handles it the router answers service-unavailable.
  Undeliverable,
};

struct StanzaEvent {
  xml::Element& stanza;  // may be modified by handlers that return Continue
  const xmpp::Jid& from;
  const xmpp::Jid& to;
  const Session* session;
  // At Undeliverable: the message's delivery-journal record when it already has one (it was on
  // its way to a session that ended), i.e. it is stored already. 0 otherwise.
  JournalId journalId = 0;
  // Who acknowledges the stanza to its peer (a client stream, an inbound s2s link).
  AcknowledgementSource acknowledgement{};

  // A handler that finishes the stanza's work later, and whose result must be durable before
  // the sender's acknowledgement (a subscription the roster stores, then sends on), keeps this
  // with that work (api/acknowledgement_gate.hpp). Empty when the source acknowledges nothing.
  AcknowledgementHold holdAcknowledgement() const { return acknowledgement.hold(); }
};
using StanzaHandler = std::function<HandlerResult(StanzaEvent&)>;

// A top-level element other than a stanza that a bound client may send (a "nonza", e.g. CSI's
// <active/>). Runs on the session's shard.
using StreamElementHandler = std::function<void(const Session&, const xml::Element&)>;

// Stream features (RFC 6120 §4.3.2) offered by modules, at the stage they apply to.
enum class FeatureStage {
  BeforeAuthentication,  // beside the SASL mechanisms (e.g. XEP-0077 registration)
  AfterAuthentication,   // beside resource binding (e.g. roster versioning, CSI)
};

}  // namespace kontalk::api
