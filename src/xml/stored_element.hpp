#pragma once
// An element as modules keep it in storage (a vCard, XEP-0054; private XML, XEP-0049): the
// client's element serialized to XML text, and parsed back into an element to answer a request.
// Threading: pure functions over values; any thread.

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::xml {

std::string serializeStored(const Element& element);
// The element `text` holds; nullopt unless it is exactly one well-formed element.
std::optional<Element> parseStored(std::string_view text);

}  // namespace kontalk::xml
