#include "modules/blocking/block_items.hpp"

#include <algorithm>

#include "xmpp/jid.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::blocking {

tl::expected<std::vector<std::string>, xmpp::StanzaError> readBlockItems(
    const xml::Element& payload, std::size_t maxItems) {
  using xmpp::StanzaError;
  using xmpp::StanzaErrorCondition;
  const auto items = payload.children("item", ns::kBlocking);
  if (items.size() > maxItems) {
    return tl::unexpected(
        StanzaError::of(StanzaErrorCondition::PolicyViolation,
                        "At most " + std::to_string(maxItems) + " items per request."));
  }
  std::vector<std::string> jids;
  for (const xml::Element* item : items) {
    if (!item->hasAttribute("jid")) {
      return tl::unexpected(
          StanzaError::of(StanzaErrorCondition::BadRequest, "An item needs a 'jid'."));
    }
    auto jid = xmpp::Jid::parse(item->attribute("jid"));
    if (!jid) return tl::unexpected(StanzaError::of(StanzaErrorCondition::JidMalformed));
    std::string canonical = jid->toString();
    if (std::find(jids.begin(), jids.end(), canonical) == jids.end()) {
      jids.push_back(std::move(canonical));
    }
  }
  return jids;
}

}  // namespace kontalk::modules::blocking
