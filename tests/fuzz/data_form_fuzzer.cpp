// Fuzz target: data forms (XEP-0004, src/xmpp/data_form) read from parsed XML. The input is an
// XMPP stream; every <x xmlns='jabber:x:data'/> found in its elements is parsed. Properties
// checked, besides the sanitizers': a form that parses writes back (toElement) into an element
// that parses into the same form, and the lookups agree with the parsed fields.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "stream_events.hpp"
#include "xml/serializer.hpp"
#include "xmpp/data_form.hpp"

namespace {

using kontalk::fuzz::check;
namespace xml = kontalk::xml;
namespace xmpp = kontalk::xmpp;

void checkForm(const xml::Element& element) {
  const auto form = xmpp::DataForm::parse(element);
  if (!form) return;
  const xml::Element written = form->toElement();
  const auto reread = xmpp::DataForm::parse(written);
  check(reread.has_value(), "a parsed form's own element does not parse", xml::serialize(written));
  check(xml::serialize(reread->toElement()) == xml::serialize(written),
        "a form changes when written and read again", xml::serialize(written));
  for (const auto& field : form->fields) {
    if (field.var.empty()) continue;
    const auto* found = form->field(field.var);
    check(found != nullptr && found->var == field.var, "field() misses a parsed field", field.var);
    const auto value = form->value(field.var);
    check(value.has_value() == !found->values.empty(), "value() disagrees with the field");
  }
}

void checkForms(const xml::Element& element, std::size_t depth) {
  checkForm(element);
  // The parser bounds the depth already; the bound here keeps the recursion obviously finite.
  if (depth == 0) return;
  for (const xml::Element* child : element.childElements()) checkForms(*child, depth - 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  xml::ParserLimits limits;
  limits.maxStanzaBytes = 16 * 1024;
  const auto events = kontalk::fuzz::parseStream(input, limits);
  for (const xml::Element& element : events.elements) checkForms(element, limits.maxDepth);
  return 0;
}
