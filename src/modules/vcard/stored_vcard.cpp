#include "modules/vcard/stored_vcard.hpp"

#include "xml/serializer.hpp"
#include "xml/stream_parser.hpp"

namespace kontalk::modules::vcard {
namespace {

// Collects the top-level elements below a wrapper element, which stands in for the stream
// element the parser expects.
class ElementCollector final : public xml::StreamParserEvents {
 public:
  void handleStreamOpen(const xml::Element&) override {}
  void handleStreamElement(xml::Element element) override {
    ++count;
    if (!element_) element_ = std::move(element);
  }
  void handleStreamClose() override { closed = true; }
  void handleParseError(xml::ParseError, std::string) override { failed = true; }

  std::optional<xml::Element> element_;
  int count = 0;
  bool closed = false;
  bool failed = false;
};

}  // namespace

std::string serializeVcard(const xml::Element& vcard) {
  return xml::serialize(vcard);
}

std::optional<xml::Element> parseStoredVcard(std::string_view text) {
  ElementCollector collector;
  xml::ParserLimits limits;
  // Stored vCards were size-checked when set; the limit of the day must not hide older ones.
  limits.maxStanzaBytes = std::max(limits.maxStanzaBytes, text.size() + 1);
  limits.maxTextBytes = std::max(limits.maxTextBytes, text.size() + 1);
  xml::StreamParser parser(collector, limits);
  parser.feed("<stored>");
  parser.feed(text);
  parser.feed("</stored>");
  if (collector.failed || !collector.closed || collector.count != 1) return std::nullopt;
  return std::move(collector.element_);
}

}  // namespace kontalk::modules::vcard
