#include "stream/xml_stream_framing.hpp"

#include "xml/serializer.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::stream {

void XmlStreamFraming::restart(bool discardPending) {
  if (discardPending) parser_.discardPending();
  parser_.reset();
}

bool XmlStreamFraming::isStreamOpen(const xml::Element& open) const {
  return open.name() == "stream" && open.xmlns() == ns::kStreams &&
         open.attribute("xmlns") == ns::kClient;
}

void XmlStreamFraming::appendOpen(std::string& out, std::string_view id, std::string_view from,
                                  std::string_view to) {
  out +=
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='en' id='";
  out += id;
  out += "' from='";
  xml::appendEscapedAttribute(out, from);
  if (!to.empty()) {
    out += "' to='";
    xml::appendEscapedAttribute(out, to);
  }
  out += "'>";
}

void XmlStreamFraming::appendElement(std::string& out, const xml::Element& element) {
  xml::serializeTo(out, element, ns::kClient);
}

}  // namespace kontalk::stream
