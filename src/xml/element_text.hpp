#pragma once
// One element from XML text, for elements kept as text (stored stanzas: offline messages,
// pending subscription requests, last presence). The text is read by the stream parser, the
// server's one XML reader, so the same checks apply as on the wire.
// Threading: a pure function over values; any thread.

#include <optional>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::xml {

// Parses text written by serialize(element, defaultNs): exactly one well-formed element, whose
// unprefixed names are in `defaultNs`. nullopt for anything else (a damaged row is skipped,
// not fatal). Size limits are widened to the text's own size: it passed the configured limits
// when it arrived, which may be larger than the defaults.
std::optional<Element> parseElement(std::string_view text, std::string_view defaultNs);

}  // namespace kontalk::xml
