#include "xml/serializer.hpp"

namespace kontalk::xml {
namespace {

constexpr std::string_view kStreamsNs = "http://etherx.jabber.org/streams";

// Replacement for a character that must be escaped, or empty when it is written as-is.
std::string_view textEscape(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '\r':
      return "&#13;";
    default:
      return {};
  }
}

std::string_view attributeEscape(char c) {
  switch (c) {
    case '\'':
      return "&apos;";
    case '"':
      return "&quot;";
    case '\t':
      return "&#9;";
    case '\n':
      return "&#10;";
    default:
      return textEscape(c);
  }
}

// Copies runs of plain characters in one append each; most text needs no escaping at all.
template <typename EscapeFor>
void appendEscaped(std::string& out, std::string_view in, EscapeFor escapeFor) {
  std::size_t runStart = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::string_view replacement = escapeFor(in[i]);
    if (replacement.empty()) continue;
    out.append(in, runStart, i - runStart);
    out.append(replacement);
    runStart = i + 1;
  }
  out.append(in, runStart, std::string_view::npos);
}

void writeAttribute(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "='";
  appendEscapedAttribute(out, value);
  out += '\'';
}

void writeElement(std::string& out, const Element& element, std::string_view inScopeNs) {
  const bool inStreamsNs = element.xmlns() == kStreamsNs;
  out += '<';
  if (inStreamsNs) out += "stream:";
  out += element.name();

  std::string_view childrenNs = inScopeNs;
  if (!inStreamsNs) {
    if (element.xmlns() != inScopeNs) writeAttribute(out, "xmlns", element.xmlns());
    childrenNs = element.xmlns();
  }
  for (const Attribute& attribute : element.attributes()) {
    if (attribute.name == "xmlns") {
      if (!inStreamsNs) continue;
      childrenNs = attribute.value;
    }
    writeAttribute(out, attribute.name, attribute.value);
  }

  if (element.nodes().empty()) {
    out += "/>";
    return;
  }
  out += '>';
  for (const Node& node : element.nodes()) {
    if (node.isElement()) {
      writeElement(out, node.element(), childrenNs);
    } else {
      appendEscapedText(out, node.text());
    }
  }
  out += "</";
  if (inStreamsNs) out += "stream:";
  out += element.name();
  out += '>';
}

}  // namespace

void serializeTo(std::string& out, const Element& element, std::string_view enclosingNs) {
  writeElement(out, element, enclosingNs);
}

std::string serialize(const Element& element, std::string_view enclosingNs) {
  std::string out;
  serializeTo(out, element, enclosingNs);
  return out;
}

void appendEscapedText(std::string& out, std::string_view text) {
  appendEscaped(out, text, textEscape);
}

void appendEscapedAttribute(std::string& out, std::string_view value) {
  appendEscaped(out, value, attributeEscape);
}

}  // namespace kontalk::xml
