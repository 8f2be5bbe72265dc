#pragma once
// Reading an error reply in tests: its condition and type (RFC 6120 §8.3.2).

#include <string>

#include "xml/element.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::xmpp::testing {

// The defined condition of an error stanza ("service-unavailable"), "" when it is none.
inline std::string errorCondition(const xml::Element& stanza) {
  if (stanza.attribute("type") != "error") return "";
  const auto* error = stanza.child("error", stanza.xmlns());
  if (error == nullptr) return "";
  for (const auto* condition : error->childElements()) {
    if (condition->xmlns() == ns::kStanzaErrors && condition->name() != "text") {
      return condition->name();
    }
  }
  return "";
}

// The error's type ("cancel", "wait", ...), "" when the stanza has no <error/>.
inline std::string errorType(const xml::Element& stanza) {
  const auto* error = stanza.child("error", stanza.xmlns());
  return error == nullptr ? "" : std::string(error->attribute("type"));
}

}  // namespace kontalk::xmpp::testing
