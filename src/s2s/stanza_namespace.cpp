#include "s2s/stanza_namespace.hpp"

#include <string_view>

#include "xmpp/namespaces.hpp"

namespace kontalk::s2s {

xml::Element toClientNamespace(const xml::Element& stanza) {
  const std::string_view xmlns = stanza.xmlns();
  xml::Element copy(stanza.name(), xmlns == ns::kServer ? ns::kClient : stanza.xmlns());
  for (const auto& attribute : stanza.attributes()) {
    copy.setAttribute(attribute.name, attribute.value);
  }
  for (const auto& node : stanza.nodes()) {
    if (node.isElement()) {
      copy.addChild(toClientNamespace(node.element()));
    } else {
      copy.addText(node.text());
    }
  }
  return copy;
}

}  // namespace kontalk::s2s
