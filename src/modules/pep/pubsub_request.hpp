#pragma once
// The pubsub requests (XEP-0060) a PEP service answers, read from an IQ's payload: the
// <pubsub/> of publish, retract, create and items, and the <pubsub xmlns='…#owner'/> of node
// configuration and deletion. A malformed request is refused with the XEP's error.
// Threading: pure functions over values; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "xml/element.hpp"
#include "xmpp/data_form.hpp"
#include "xmpp/stanza_error.hpp"

namespace kontalk::modules::pep {

inline constexpr const char* kPubsub = "http://jabber.org/protocol/pubsub";
inline constexpr const char* kPubsubOwner = "http://jabber.org/protocol/pubsub#owner";
inline constexpr const char* kPubsubEvent = "http://jabber.org/protocol/pubsub#event";
inline constexpr const char* kPubsubErrors = "http://jabber.org/protocol/pubsub#errors";

enum class PubsubAction {
  Publish,    // set: <publish/> (+ <publish-options/>)
  Retract,    // set: <retract/>
  Create,     // set: <create/> (+ <configure/>)
  Items,      // get: <items/>
  Configure,  // owner get or set: <configure/>
  Delete,     // owner set: <delete/>
};

struct PubsubRequest {
  PubsubAction action = PubsubAction::Items;
  std::string node;
  // Publish: the item's id ("" when the client left it to the service) and payload.
  std::string itemId;
  std::optional<xml::Element> payload;
  // Retract, Items: the requested item ids (Items: none means all).
  std::vector<std::string> itemIds;
  std::optional<std::int64_t> maxItems;  // Items: max_items
  // Publish: publish-options; Create, Configure (set): the configuration submitted.
  std::optional<xmpp::DataForm> form;
  bool notifyRetract = false;
};

// The error with pubsub#errors' `condition` (e.g. "payload-too-big") as its application
// condition (XEP-0060 §7, §8).
xmpp::StanzaError pubsubError(xmpp::StanzaErrorCondition condition,
                              std::string_view pubsubCondition, std::string text = {});

// The request `payload` (the IQ's only child) makes, for an IQ of type set when `isSet`.
std::variant<PubsubRequest, xmpp::StanzaError> parsePubsubRequest(const xml::Element& payload,
                                                                  bool isSet);

}  // namespace kontalk::modules::pep
