#include "xmpp/presence.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "xmpp/namespaces.hpp"

namespace kontalk::xmpp {

int presencePriority(const xml::Element& presence) {
  const std::string text = presence.childText("priority", ns::kClient);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return 0;
  return std::clamp(value, -128, 127);
}

bool isSubscriptionPresence(const xml::Element& stanza) {
  if (stanza.name() != "presence") return false;
  const std::string_view type = stanza.attribute("type");
  return type == "subscribe" || type == "subscribed" || type == "unsubscribe" ||
         type == "unsubscribed";
}

}  // namespace kontalk::xmpp
