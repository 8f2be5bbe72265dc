#pragma once
// What Client State Indication (XEP-0352 §1, §5) does with a stanza for an inactive session:
// presence updates and standalone chat states can wait until the client is active again;
// everything else (messages with a body, subscriptions, IQs, errors) is delivered at once.
// Threading: a pure function over values; any thread.

#include "xml/element.hpp"

namespace kontalk::modules::csi {

enum class CsiTreatment {
  Deliver,
  HoldPresence,
  HoldChatState,
  // A message with a body: delivered at once, and it supersedes the sender's held chat state.
  DeliverSupersedingChatState,
};

CsiTreatment classify(const xml::Element& stanza);

}  // namespace kontalk::modules::csi
