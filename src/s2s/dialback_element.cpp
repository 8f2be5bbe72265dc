#include "s2s/dialback_element.hpp"

#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::s2s {

void appendDialbackElement(std::string& out, const xml::Element& element) {
  const std::string name = "db:" + element.name();
  out += '<';
  out += name;
  for (const auto& attribute : element.attributes()) {
    if (attribute.name == "xmlns") continue;  // the prefix names the namespace
    out += ' ';
    out += attribute.name;
    out += "='";
    xml::appendEscapedAttribute(out, attribute.value);
    out += '\'';
  }
  if (element.nodes().empty()) {
    out += "/>";
    return;
  }
  out += '>';
  for (const auto& node : element.nodes()) {
    if (node.isElement()) {
      xml::serializeTo(out, node.element(), ns::kClient);  // inherits the stream's default
    } else {
      xml::appendEscapedText(out, node.text());
    }
  }
  out += "</";
  out += name;
  out += '>';
}

}  // namespace kontalk::s2s
