#pragma once
// The presence subscription state machine of RFC 6121 §3 and Appendix A, as a pure function:
// (state of one roster relationship, subscription stanza, direction) -> new state + what the
// server must do. No I/O here, so that every row of the Appendix A tables is a unit test.
//
// The state is seen from the account that owns the roster ("the user"): `to` means the user
// receives the contact's presence, `from` that the contact receives the user's.
// Threading: pure functions over values; any thread.

namespace kontalk::modules::roster {

struct SubscriptionState {
  bool to = false;
  bool from = false;
  bool pendingOut = false;  // the user asked the contact, unanswered ('ask' = "subscribe")
  bool pendingIn = false;   // the contact asked the user, unanswered
  bool approved = false;    // the user pre-approved the contact's future request (§3.4)

  friend bool operator==(const SubscriptionState&, const SubscriptionState&) = default;
};

enum class SubscriptionStanza { Subscribe, Subscribed, Unsubscribe, Unsubscribed };

struct SubscriptionTransition {
  SubscriptionState next;
  // Outbound: route the stanza to the contact (pre-approvals and no-ops stay local, §3.4).
  // Inbound: deliver it to the user's interested resources (Appendix A.3: only when it changed
  // something the user must see).
  bool forward = false;
  // Inbound subscribe answered by the server for the user: the contact is already subscribed
  // (§3.1.3 rule 1) or was pre-approved (§3.4).
  bool replySubscribed = false;
  // The contact just gained 'from': send it the user's current presence (§3.1.5).
  bool sendPresence = false;
  // The contact just lost 'from': send it unavailable from the user's resources (§3.2.2, §3.3.3).
  bool sendUnavailable = false;
};

// A stanza the user sent to the contact (Appendix A.2).
SubscriptionTransition outboundTransition(SubscriptionState state, SubscriptionStanza stanza);
// A stanza the contact sent to the user (Appendix A.3).
SubscriptionTransition inboundTransition(SubscriptionState state, SubscriptionStanza stanza);

}  // namespace kontalk::modules::roster
