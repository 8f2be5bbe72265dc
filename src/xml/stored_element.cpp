#include "xml/stored_element.hpp"

#include <algorithm>

#include "xml/serializer.hpp"
#include "xml/stream_parser.hpp"

namespace kontalk::xml {
namespace {

// Collects the top-level elements below a wrapper element, which stands in for the stream
// element the parser expects.
class ElementCollector final : public StreamParserEvents {
 public:
  void handleStreamOpen(const Element&) override {}
  void handleStreamElement(Element element) override {
    ++count;
    if (!element_) element_ = std::move(element);
  }
  void handleStreamClose() override { closed = true; }
  void handleParseError(ParseError, std::string) override { failed = true; }

  std::optional<Element> element_;
  int count = 0;
  bool closed = false;
  bool failed = false;
};

}  // namespace

std::string serializeStored(const Element& element) {
  return serialize(element);
}

std::optional<Element> parseStored(std::string_view text) {
  ElementCollector collector;
  ParserLimits limits;
  // Stored elements were size-checked when set; the limit of the day must not hide older ones.
  limits.maxStanzaBytes = std::max(limits.maxStanzaBytes, text.size() + 1);
  limits.maxTextBytes = std::max(limits.maxTextBytes, text.size() + 1);
  StreamParser parser(collector, limits);
  parser.feed("<stored>");
  parser.feed(text);
  parser.feed("</stored>");
  if (collector.failed || !collector.closed || collector.count != 1) return std::nullopt;
  return std::move(collector.element_);
}

}  // namespace kontalk::xml
