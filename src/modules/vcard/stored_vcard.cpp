#include "modules/vcard/stored_vcard.hpp"

#include "xml/serializer.hpp"
#include "xml/stored_element.hpp"

namespace kontalk::modules::vcard {

std::string serializeVcard(const xml::Element& vcard) {
  return xml::serialize(vcard);
}

std::optional<xml::Element> parseStoredVcard(std::string_view text) {
  return xml::parseStoredElement(text);
}

}  // namespace kontalk::modules::vcard
