#include "modules/csi/csi_policy.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::csi {
namespace {

// XEP-0085 §5: a "standalone" chat state notification is a message whose only payload is the
// chat state (a <thread/> and XEP-0334 processing hints may accompany it).
bool isStandaloneChatState(const xml::Element& message) {
  bool hasChatState = false;
  for (const auto* child : message.childElements()) {
    if (child->xmlns() == ns::kChatStates) {
      hasChatState = true;
    } else if (!child->is("thread", ns::kClient) && child->xmlns() != ns::kHints) {
      return false;
    }
  }
  return hasChatState;
}

}  // namespace

CsiTreatment classify(const xml::Element& stanza) {
  const std::string_view type = stanza.attribute("type");
  if (stanza.name() == "presence") {
    // Availability changes only: subscription requests and errors need the user's attention.
    return type.empty() || type == "unavailable" ? CsiTreatment::HoldPresence
                                                 : CsiTreatment::Deliver;
  }
  if (stanza.name() != "message" || type == "error") return CsiTreatment::Deliver;
  if (stanza.child("body", ns::kClient) != nullptr) {
    return CsiTreatment::DeliverSupersedingChatState;
  }
  return isStandaloneChatState(stanza) ? CsiTreatment::HoldChatState : CsiTreatment::Deliver;
}

}  // namespace kontalk::modules::csi
