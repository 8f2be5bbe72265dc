#include "modules/offline/stanza_text.hpp"

#include <algorithm>
#include <string>

#include "xml/stream_parser.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::offline {
namespace {

// Collects the one element inside a synthetic stream header; anything else is a failure.
class SingleElement final : public xml::StreamParserEvents {
 public:
  void handleStreamOpen(const xml::Element&) override {}
  void handleStreamElement(xml::Element element) override {
    if (element_) {
      failed_ = true;
      return;
    }
    element_ = std::move(element);
  }
  void handleStreamClose() override {}
  void handleParseError(xml::ParseError, std::string) override { failed_ = true; }

  std::optional<xml::Element> take() { return failed_ ? std::nullopt : std::move(element_); }

 private:
  std::optional<xml::Element> element_;
  bool failed_ = false;
};

}  // namespace

std::optional<xml::Element> parseStoredStanza(std::string_view text) {
  SingleElement events;
  // The text is a stanza the stream parser accepted (within the configured limits) before it
  // was stored; only its size may exceed the defaults, when the server allows bigger stanzas.
  xml::ParserLimits limits;
  limits.maxStanzaBytes = std::max(limits.maxStanzaBytes, text.size());
  limits.maxTextBytes = std::max(limits.maxTextBytes, text.size());
  xml::StreamParser parser(events, limits);
  parser.feed(std::string("<stream:stream xmlns='") + ns::kClient + "' xmlns:stream='" +
              ns::kStreams + "'>");
  parser.feed(text);
  parser.feed("</stream:stream>");
  return events.take();
}

}  // namespace kontalk::modules::offline
