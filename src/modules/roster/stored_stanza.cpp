#include "modules/roster/stored_stanza.hpp"

#include "xml/serializer.hpp"
#include "xml/stream_parser.hpp"
#include "xmpp/namespaces.hpp"

namespace kontalk::modules::roster {

namespace {

// Collects the one element of a wrapper stream.
class SingleElement final : public xml::StreamParserEvents {
 public:
  void handleStreamOpen(const xml::Element&) override {}
  void handleStreamElement(xml::Element element) override {
    if (!element_) element_ = std::move(element);
  }
  void handleStreamClose() override {}
  void handleParseError(xml::ParseError, std::string) override { failed_ = true; }

  std::optional<xml::Element> take() { return failed_ ? std::nullopt : std::move(element_); }

 private:
  std::optional<xml::Element> element_;
  bool failed_ = false;
};

}  // namespace

std::string storeStanza(const xml::Element& stanza) {
  return xml::serialize(stanza, ns::kClient);
}

std::optional<xml::Element> loadStanza(std::string_view text) {
  SingleElement events;
  xml::StreamParser parser(events, xml::ParserLimits{});
  // The text was written by storeStanza; wrapped in a stream so that the stream parser (the one
  // XML reader of the server) applies its usual checks and limits.
  parser.feed(
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
  parser.feed(text);
  parser.feed("</stream:stream>");
  return events.take();
}

}  // namespace kontalk::modules::roster
