#pragma once
// Writing stanzas and JIDs in tests as text: a malformed one is a bug in the test, so it throws.
// Threading: pure functions over values; any thread.

#include <stdexcept>
#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xml/element_text.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::xmpp::testing {

inline Jid parseJid(std::string_view text) {
  auto jid = Jid::parse(text);
  if (!jid) throw std::invalid_argument("bad test JID: " + std::string(text));
  return *jid;
}

// One jabber:client stanza.
inline xml::Element stanza(std::string_view text) {
  auto element = xml::parseElement(text, ns::kClient);
  if (!element) throw std::invalid_argument("bad test stanza: " + std::string(text));
  return std::move(*element);
}

}  // namespace kontalk::xmpp::testing
