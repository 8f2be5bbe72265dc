// Fuzz target: the XML stream parser and the serializer (src/xml). The input is the byte stream
// of one XMPP connection. Properties checked, besides the sanitizers':
//  1. Chunking does not matter: the input fed in one piece and fed in pieces of pseudo-random
//     sizes gives the same elements, the same end and failure or success alike.
//  2. Round trip: every element the parser produces, serialized as the server writes it into the
//     stream (enclosing namespace = the stream's default namespace), parses again inside a stream
//     into the same element, and serializing that gives identical bytes. A stanza the server
//     accepts and relays must never break the recipient's stream (issue 11 item 14).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "stream_events.hpp"
#include "xml/serializer.hpp"

namespace {

using kontalk::fuzz::check;
using kontalk::fuzz::parseStream;
using kontalk::fuzz::sameElement;
using kontalk::fuzz::StreamEvents;
namespace xml = kontalk::xml;

// Small limits, so that inputs of a few KiB reach every bound.
xml::ParserLimits fuzzLimits() {
  xml::ParserLimits limits;
  limits.maxStanzaBytes = 8192;
  limits.maxDepth = 12;
  limits.maxAttributes = 16;
  limits.maxTextBytes = 4096;
  limits.maxChildren = 64;
  limits.maxNameBytes = 128;
  return limits;
}

// The re-parse of a serialized element must not trip a bound: serializing may legitimately grow
// an element (escapes, a namespace declaration repeated on each child, the "stream:" prefix).
xml::ParserLimits unboundedLimits() {
  constexpr std::size_t kLarge = std::numeric_limits<std::size_t>::max() / 4;
  xml::ParserLimits limits;
  limits.maxStanzaBytes = kLarge;
  limits.maxAttributes = kLarge;
  limits.maxTextBytes = kLarge;
  limits.maxNameBytes = kLarge;
  limits.maxDepth = fuzzLimits().maxDepth;
  limits.maxChildren = fuzzLimits().maxChildren;
  return limits;
}

void checkSameStream(const StreamEvents& whole, const StreamEvents& chunked) {
  check(whole.header.has_value() == chunked.header.has_value(), "chunking changed the header");
  check(whole.elements.size() == chunked.elements.size(), "chunking changed the element count");
  for (std::size_t i = 0; i < whole.elements.size(); ++i) {
    check(sameElement(whole.elements[i], chunked.elements[i]), "chunking changed an element",
          xml::serialize(whole.elements[i]) + "\n" + xml::serialize(chunked.elements[i]));
  }
  check(whole.closed == chunked.closed, "chunking changed the stream end");
  check(whole.error.has_value() == chunked.error.has_value(), "chunking changed the outcome",
        whole.errorDetail + " / " + chunked.errorDetail);
}

void checkRoundTrip(const xml::Element& element, const std::string& enclosingNs) {
  const std::string written = xml::serialize(element, enclosingNs);
  std::string stream = "<stream:stream xmlns='";
  xml::appendEscapedAttribute(stream, enclosingNs);
  stream += "' xmlns:stream='http://etherx.jabber.org/streams'>";
  stream += written;
  const StreamEvents reparsed = parseStream(stream, unboundedLimits());
  check(!reparsed.error.has_value(), "serialized element does not parse",
        written + "\n" + reparsed.errorDetail);
  check(reparsed.elements.size() == 1, "serialized element parses as another count", written);
  check(sameElement(element, reparsed.elements.front()), "serialized element parses differently",
        written + "\n" + xml::serialize(reparsed.elements.front(), enclosingNs));
  check(xml::serialize(reparsed.elements.front(), enclosingNs) == written,
        "re-serializing gives other bytes", written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const StreamEvents whole = parseStream(input, fuzzLimits());
  const StreamEvents chunked = parseStream(input, fuzzLimits(), kontalk::fuzz::seedFrom(input));
  checkSameStream(whole, chunked);

  const std::string enclosingNs =
      whole.header ? std::string(whole.header->attribute("xmlns")) : std::string();
  for (const xml::Element& element : whole.elements) checkRoundTrip(element, enclosingNs);
  return 0;
}
