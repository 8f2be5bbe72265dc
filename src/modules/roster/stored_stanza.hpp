#pragma once
// Stanzas kept in storage as XML text (pending subscription requests, the last unavailable
// presence) and read back for redelivery.

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::modules::roster {

// Serialized in the jabber:client namespace, as a client stream carries it.
std::string storeStanza(const xml::Element& stanza);
// nullopt when the text is not one well-formed element (a damaged row is skipped, not fatal).
std::optional<xml::Element> loadStanza(std::string_view text);

}  // namespace kontalk::modules::roster
