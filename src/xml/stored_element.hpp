#pragma once
// An element kept in storage as serialized XML (a vCard, a PEP item's payload), parsed back into
// an element to answer a request.
// Threading: a pure function over values; any thread.

#include <optional>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::xml {

// The element `text` holds; nullopt unless it is exactly one well-formed element. No size limit:
// what was stored was size-checked when it was written, and the limit of the day must not hide
// older data.
std::optional<Element> parseStoredElement(std::string_view text);

}  // namespace kontalk::xml
