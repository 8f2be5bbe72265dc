#include "xml/serializer.hpp"

namespace kontalk::xml {
namespace {

constexpr std::string_view kStreamsNs = "http://etherx.jabber.org/streams";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

// The prefix an element's name is written with, or "" for a default-namespace declaration.
// The XML namespace can only be written with its reserved prefix: Namespaces in XML 1.0 §3 binds
// `xml` to it by definition and says it "MUST NOT be declared as the default namespace" (nor bound
// to another prefix), so `<x xmlns='http://www.w3.org/XML/1998/namespace'/>` is refused by every
// parser, ours included. The parser accepts `<xml:x/>` (namespace-well-formed, and not restricted
// XML by RFC 6120 §11.1), so a relayed stanza may hold such an element (issue 11 item 14).
// `stream:` is used only while that prefix still means the streams namespace (see below).
std::string_view prefixFor(std::string_view xmlns, bool streamPrefixBound) {
  if (xmlns == kStreamsNs && streamPrefixBound) return "stream";
  if (xmlns == kXmlNs) return "xml";
  return {};
}

// Whether `stream` is bound to the streams namespace inside `element`. The stream header binds it
// for everything written into the stream, but a peer may rebind it on any element: the parser
// stores a prefixed attribute ("stream:a") together with its declaration ("xmlns:stream"), which
// is written on that element and holds for it and its descendants (Namespaces in XML 1.0 §6.1).
bool streamPrefixBoundIn(const Element& element, bool boundOutside) {
  for (const Attribute& attribute : element.attributes()) {
    if (attribute.name == "xmlns:stream") return attribute.value == kStreamsNs;
  }
  return boundOutside;
}

void writeName(std::string& out, std::string_view prefix, std::string_view name) {
  if (!prefix.empty()) out.append(prefix).append(1, ':');
  out += name;
}

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

void writeElement(std::string& out, const Element& element, std::string_view inScopeNs,
                  bool streamPrefixBound) {
  streamPrefixBound = streamPrefixBoundIn(element, streamPrefixBound);
  const std::string_view prefix = prefixFor(element.xmlns(), streamPrefixBound);
  out += '<';
  writeName(out, prefix, element.name());

  // A prefixed element leaves the default namespace, and so its children's, as it was.
  std::string_view childrenNs = inScopeNs;
  if (prefix.empty()) {
    if (element.xmlns() != inScopeNs) writeAttribute(out, "xmlns", element.xmlns());
    childrenNs = element.xmlns();
  }
  for (const Attribute& attribute : element.attributes()) {
    if (attribute.name == "xmlns") {
      if (prefix.empty()) continue;
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
      writeElement(out, node.element(), childrenNs, streamPrefixBound);
    } else {
      appendEscapedText(out, node.text());
    }
  }
  out += "</";
  writeName(out, prefix, element.name());
  out += '>';
}

}  // namespace

void serializeTo(std::string& out, const Element& element, std::string_view enclosingNs) {
  // Every stream header the server writes declares the `stream` prefix (RFC 6120 §4.8.5).
  writeElement(out, element, enclosingNs, true);
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
