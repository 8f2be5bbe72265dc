#pragma once
// Writes elements as XML text. Namespaces are emitted as default-namespace declarations (xmlns='…')
// whenever an element's namespace differs from its parent's; the outermost element is compared with
// `enclosingNs`, the default namespace of the stream it is written into ("jabber:client" for c2s),
// so a stanza in the stream's namespace carries no xmlns and everything else is self-describing.
//
// XMPP rule: an element in the streams namespace (http://etherx.jabber.org/streams, e.g. features
// and error, RFC 6120 §4.3.2 and §4.9) is written with the `stream:` prefix and no declaration
// (`<stream:features>`): every stream header declares xmlns:stream, and some deployed clients match
// the prefixed name literally. Such an element does not change the default namespace, so its
// children are compared with the enclosing one (`<starttls xmlns='urn:…:xmpp-tls'/>` still gets its
// xmlns). Its own "xmlns" attribute, if stored (a parsed stream header), is written and becomes the
// children's default namespace.
//
// Attributes are written as stored, in order, quoted with '. Names like "xml:lang" and
// "xmlns:prefix" are written as-is: the stream parser stores a prefixed attribute as "prefix:local"
// together with its "xmlns:prefix" declaration, so the output is self-contained. An attribute named
// exactly "xmlns" on an element outside the streams namespace is skipped: the element's namespace
// is authoritative. Elements without children are written as `<name/>`.
// Threading: pure functions over values; any thread.

#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace kontalk::xml {

// Appends the serialized element to `out`.
void serializeTo(std::string& out, const Element& element, std::string_view enclosingNs = {});
std::string serialize(const Element& element, std::string_view enclosingNs = {});

// Escaping for character data (& < >, and CR as &#13; so that it survives XML 1.0 §2.11 line-end
// normalization) and attribute values (& < > ' ", and TAB/LF/CR as character references so that
// they survive attribute-value normalization, XML 1.0 §3.3.3).
void appendEscapedText(std::string& out, std::string_view text);
void appendEscapedAttribute(std::string& out, std::string_view value);

}  // namespace kontalk::xml
