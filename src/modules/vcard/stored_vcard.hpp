#pragma once
// A vCard as kept in storage: the client's <vCard xmlns='vcard-temp'/> serialized to XML text,
// and parsed back into an element to answer a request.
// Threading: pure functions over values; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::modules::vcard {

std::string serializeVcard(const xml::Element& vcard);
// The element `text` holds; nullopt unless it is exactly one well-formed element.
std::optional<xml::Element> parseStoredVcard(std::string_view text);

}  // namespace kontalk::modules::vcard
