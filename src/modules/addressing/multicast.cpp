#include "modules/addressing/multicast.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "xmpp/namespaces.hpp"

namespace kontalk::modules::addressing {
namespace {

using xmpp::StanzaError;
using xmpp::StanzaErrorCondition;

// XEP-0033 §4.6: the address types, and those the service delivers to.
constexpr std::array<std::string_view, 7> kKnownTypes = {"to",        "cc",      "bcc",  "replyto",
                                                         "replyroom", "noreply", "ofrom"};

bool isRecipientType(std::string_view type) {
  return type == "to" || type == "cc" || type == "bcc";
}

tl::unexpected<StanzaError> error(StanzaErrorCondition condition, std::string text) {
  return tl::unexpected(StanzaError::of(condition, std::move(text)));
}

// The <addresses/> every copy carries: recipients marked delivered, 'bcc' left out.
xml::Element addressesForCopies(const xml::Element& addresses) {
  xml::Element result(addresses.name(), addresses.xmlns());
  for (const auto& attribute : addresses.attributes()) {
    result.setAttribute(attribute.name, attribute.value);
  }
  for (const auto* address : addresses.childElements()) {
    const std::string_view type = address->attribute("type");
    if (type == "bcc") continue;
    xml::Element copy = *address;
    if (isRecipientType(type)) copy.setAttribute("delivered", "true");
    result.addChild(std::move(copy));
  }
  return result;
}

}  // namespace

tl::expected<std::vector<MulticastCopy>, StanzaError> expandMulticast(const xml::Element& message,
                                                                      std::size_t maxAddresses) {
  const auto blocks = message.children("addresses", ns::kAddress);
  if (blocks.size() != 1) {
    return error(StanzaErrorCondition::BadRequest, "Expected exactly one <addresses/> element.");
  }
  const xml::Element& addresses = *blocks.front();
  const auto entries = addresses.children("address", ns::kAddress);
  if (entries.size() > maxAddresses) {
    return error(
        StanzaErrorCondition::NotAcceptable,
        "Too many receiver fields were specified (at most " + std::to_string(maxAddresses) + ").");
  }

  std::vector<xmpp::Jid> recipients;
  bool hasRecipientAddress = false;
  for (const auto* address : entries) {
    const std::string_view type = address->attribute("type");
    if (std::find(kKnownTypes.begin(), kKnownTypes.end(), type) == kKnownTypes.end()) {
      return error(StanzaErrorCondition::BadRequest,
                   "Unknown address type '" + std::string(type) + "'.");
    }
    if (!isRecipientType(type)) continue;
    hasRecipientAddress = true;
    if (address->attribute("delivered") == "true") continue;  // §4.5: someone delivered it
    if (!address->hasAttribute("jid")) {
      // §4.2: a 'uri' names a non-XMPP address, which this service cannot reach.
      return error(StanzaErrorCondition::FeatureNotImplemented,
                   "Only addresses with a 'jid' can be delivered.");
    }
    auto jid = xmpp::Jid::parse(address->attribute("jid"));
    if (!jid) {
      return error(StanzaErrorCondition::JidMalformed,
                   "Address '" + std::string(address->attribute("jid")) + "' is not a valid JID.");
    }
    if (std::find(recipients.begin(), recipients.end(), *jid) == recipients.end()) {
      recipients.push_back(std::move(*jid));
    }
  }
  if (!hasRecipientAddress) {
    return error(StanzaErrorCondition::BadRequest, "No 'to', 'cc' or 'bcc' address.");
  }

  xml::Element prototype = message;
  prototype.removeChildren("addresses", ns::kAddress);
  prototype.addChild(addressesForCopies(addresses));
  std::vector<MulticastCopy> copies;
  copies.reserve(recipients.size());
  for (auto& recipient : recipients) {
    xml::Element copy = prototype;
    copy.setAttribute("to", recipient.toString());
    copies.push_back({std::move(recipient), std::move(copy)});
  }
  return copies;
}

}  // namespace kontalk::modules::addressing
