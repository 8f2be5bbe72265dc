#include "modules/roster/subscription_state.hpp"

namespace kontalk::modules::roster {

SubscriptionTransition outboundTransition(SubscriptionState state, SubscriptionStanza stanza) {
  SubscriptionTransition result{state};
  SubscriptionState& next = result.next;
  switch (stanza) {
    case SubscriptionStanza::Subscribe:
      // A.2.1: None -> None + Pending Out, From -> From + Pending Out; always routed (§3.1.2),
      // so that a contact's server that lost the state answers again.
      if (!state.to) next.pendingOut = true;
      result.forward = true;
      break;
    case SubscriptionStanza::Unsubscribe:
      // A.2.2: 'to' and 'pending out' end; always routed (§3.3.2).
      next.to = false;
      next.pendingOut = false;
      result.forward = true;
      break;
    case SubscriptionStanza::Subscribed:
      if (state.pendingIn) {
        // A.2.3: approval of a pending request; the contact then gets the user's presence.
        next.pendingIn = false;
        next.from = true;
        next.approved = false;
        result.forward = true;
        result.sendPresence = true;
      } else if (!state.from) {
        // §3.4.1: no request to approve: record a pre-approval, do not route the stanza.
        next.approved = true;
      }
      break;
    case SubscriptionStanza::Unsubscribed:
      // A.2.4: denial of a pending request or cancellation of 'from'; also cancels a
      // pre-approval (§3.4.1). Routed only when the contact had something to lose.
      next.approved = false;
      if (state.pendingIn || state.from) {
        next.pendingIn = false;
        next.from = false;
        result.forward = true;
        result.sendUnavailable = state.from;
      }
      break;
  }
  return result;
}

SubscriptionTransition inboundTransition(SubscriptionState state, SubscriptionStanza stanza) {
  SubscriptionTransition result{state};
  SubscriptionState& next = result.next;
  switch (stanza) {
    case SubscriptionStanza::Subscribe:
      if (state.from) {
        // §3.1.3 rule 1: already subscribed; answer for the user, tell the user nothing.
        result.replySubscribed = true;
      } else if (state.approved) {
        // §3.4.2: pre-approved: the subscription is granted without asking the user.
        next.from = true;
        next.approved = false;
        next.pendingIn = false;
        result.replySubscribed = true;
        result.sendPresence = true;
      } else if (!state.pendingIn) {
        // A.3.1: None -> None + Pending In, To -> To + Pending In; the user is asked.
        next.pendingIn = true;
        result.forward = true;
      }
      break;
    case SubscriptionStanza::Subscribed:
      // A.3.3: only an outstanding request can be approved; otherwise ignored, not delivered.
      if (state.pendingOut) {
        next.pendingOut = false;
        next.to = true;
        result.forward = true;
      }
      break;
    case SubscriptionStanza::Unsubscribe:
      // A.3.2: the contact withdraws its request or ends 'from'.
      if (state.pendingIn || state.from) {
        next.pendingIn = false;
        next.from = false;
        result.forward = true;
        result.sendUnavailable = state.from;
      }
      break;
    case SubscriptionStanza::Unsubscribed:
      // A.3.4: the contact denies the request or cancels 'to'.
      if (state.pendingOut || state.to) {
        next.pendingOut = false;
        next.to = false;
        result.forward = true;
      }
      break;
  }
  return result;
}

}  // namespace kontalk::modules::roster
