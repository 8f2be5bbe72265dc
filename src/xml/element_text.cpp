#include "xml/element_text.hpp"

#include <algorithm>
#include <string>

#include "xml/stream_parser.hpp"

namespace kontalk::xml {
namespace {

// Collects the one element inside a synthetic stream; anything else is a failure.
class SingleElement final : public StreamParserEvents {
 public:
  void handleStreamOpen(const Element&) override {}
  void handleStreamElement(Element element) override {
    if (element_) {
      failed_ = true;
      return;
    }
    element_ = std::move(element);
  }
  void handleStreamClose() override {}
  void handleParseError(ParseError, std::string) override { failed_ = true; }

  std::optional<Element> take() { return failed_ ? std::nullopt : std::move(element_); }

 private:
  std::optional<Element> element_;
  bool failed_ = false;
};

}  // namespace

std::optional<Element> parseElement(std::string_view text, std::string_view defaultNs) {
  SingleElement events;
  ParserLimits limits;
  limits.maxStanzaBytes = std::max(limits.maxStanzaBytes, text.size());
  limits.maxTextBytes = std::max(limits.maxTextBytes, text.size());
  StreamParser parser(events, limits);
  std::string header = "<stream:stream xmlns='";
  header += defaultNs;
  header += "' xmlns:stream='http://etherx.jabber.org/streams'>";
  parser.feed(header);
  parser.feed(text);
  parser.feed("</stream:stream>");
  return events.take();
}

}  // namespace kontalk::xml
