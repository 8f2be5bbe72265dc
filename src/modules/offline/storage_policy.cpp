#include "modules/offline/storage_policy.hpp"

#include <string>

#include "xmpp/datetime.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {

bool shouldStore(const xml::Element& message) {
  if (message.child("store", ns::kHints) != nullptr) return true;
  if (message.child("no-store", ns::kHints) != nullptr ||
      message.child("no-permanent-store", ns::kHints) != nullptr) {
    return false;
  }
  for (const xml::Element* child : message.childElements()) {
    // <thread/> and hints only qualify other content; chat states are ephemeral.
    const bool qualifiesOnly = child->xmlns() == ns::kChatStates || child->xmlns() == ns::kHints ||
                               child->is("thread", ns::kClient);
    if (!qualifiesOnly) return true;
  }
  return false;
}

void stampDelay(xml::Element& message, std::string_view domain,
                std::chrono::system_clock::time_point storedAt) {
  for (const xml::Element* delay : message.children("delay", ns::kDelay)) {
    if (delay->attribute("from") == domain) return;
  }
  auto& delay = message.addChild("delay", ns::kDelay);
  delay.setAttribute("from", std::string(domain));
  delay.setAttribute("stamp", xmpp::formatDateTime(storedAt));
  delay.addText("Offline Storage");
}

}  // namespace kontalk::modules::offline
