#include "modules/carbons/carbon_rules.hpp"

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::carbons {

bool isEligible(const xml::Element& message) {
  if (message.name() != "message") return false;
  const std::string_view type = message.attribute("type");
  if (type == "error" || type == "groupchat" || type == "headline") return false;
  if (message.child("private", ns::kCarbons) != nullptr ||
      message.child("no-copy", ns::kHints) != nullptr ||
      message.child("sent", ns::kCarbons) != nullptr ||
      message.child("received", ns::kCarbons) != nullptr) {
    return false;
  }
  if (type == "chat" || message.child("body", ns::kClient) != nullptr) return true;
  for (const auto* child : message.childElements()) {
    if (child->xmlns() == ns::kChatStates || child->xmlns() == ns::kReceipts) return true;
  }
  return false;
}

xml::Element makeCarbon(CarbonDirection direction, const xml::Element& original,
                        const xmpp::Jid& account, const xmpp::Jid& resource) {
  xml::Element carbon("message", ns::kClient);
  carbon.setAttribute("from", account.bareString());
  carbon.setAttribute("to", resource.toString());
  if (original.hasAttribute("type")) {
    carbon.setAttribute("type", std::string(original.attribute("type")));
  }
  auto& wrapper =
      carbon.addChild(direction == CarbonDirection::Sent ? "sent" : "received", ns::kCarbons);
  wrapper.addChild("forwarded", ns::kForward).addChild(original);
  return carbon;
}

}  // namespace kontalk::modules::carbons
