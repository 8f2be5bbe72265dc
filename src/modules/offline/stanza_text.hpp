#pragma once
// Stored stanzas are kept as XML text (storage is backend-neutral and knows no element trees);
// this turns them back into elements for delivery.

#include <optional>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::modules::offline {

// Parses one stanza serialized with the jabber:client default namespace (xml::serialize with
// enclosingNs = jabber:client). nullopt when the text is not exactly one well-formed element.
std::optional<xml::Element> parseStoredStanza(std::string_view text);

}  // namespace kontalk::modules::offline
