#pragma once
// What the XML fuzz targets need around xml::StreamParser: a sink that records a stream's events,
// a parse driver that feeds input in given chunk sizes, and structural equality of elements.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xml/element.hpp"
#include "xml/stream_parser.hpp"

namespace kontalk::fuzz {

// Every event of one parsed stream, in order of arrival.
struct StreamEvents : xml::StreamParserEvents {
  void handleStreamOpen(const xml::Element& opened) override { header = opened; }
  void handleStreamElement(xml::Element element) override {
    elements.push_back(std::move(element));
  }
  void handleStreamClose() override { closed = true; }
  void handleParseError(xml::ParseError kind, std::string detail) override {
    error = kind;
    errorDetail = std::move(detail);
  }

  std::optional<xml::Element> header;
  std::vector<xml::Element> elements;
  bool closed = false;
  std::optional<xml::ParseError> error;
  std::string errorDetail;
};

// Feeds `input` to a fresh parser: in one piece when `chunkSeed` is 0, otherwise in pieces whose
// sizes (1..64 bytes, now and then up to 4 KiB) come from a generator seeded with it.
inline StreamEvents parseStream(std::string_view input, const xml::ParserLimits& limits,
                                std::uint64_t chunkSeed = 0) {
  StreamEvents events;
  xml::StreamParser parser(events, limits);
  if (chunkSeed == 0) {
    parser.feed(input);
    return events;
  }
  std::uint64_t state = chunkSeed;
  while (!input.empty()) {
    // xorshift64: any cheap deterministic generator does; the point is odd split positions.
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const std::size_t size = (state & 0xf00) == 0 ? 1 + (state >> 16) % 4096 : 1 + state % 64;
    parser.feed(input.substr(0, size));
    input.remove_prefix(std::min(size, input.size()));
  }
  return events;
}

// FNV-1a: a chunking seed that changes with every mutation of the input, never 0.
inline std::uint64_t seedFrom(std::string_view input) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : input) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash == 0 ? 1 : hash;
}

// Same name, namespace, attributes (in order) and child nodes.
inline bool sameElement(const xml::Element& a, const xml::Element& b) {
  if (a.name() != b.name() || a.xmlns() != b.xmlns()) return false;
  if (a.attributes().size() != b.attributes().size()) return false;
  for (std::size_t i = 0; i < a.attributes().size(); ++i) {
    if (a.attributes()[i].name != b.attributes()[i].name ||
        a.attributes()[i].value != b.attributes()[i].value) {
      return false;
    }
  }
  if (a.nodes().size() != b.nodes().size()) return false;
  for (std::size_t i = 0; i < a.nodes().size(); ++i) {
    const xml::Node& x = a.nodes()[i];
    const xml::Node& y = b.nodes()[i];
    if (x.isElement() != y.isElement()) return false;
    if (x.isElement() ? !sameElement(x.element(), y.element()) : x.text() != y.text()) {
      return false;
    }
  }
  return true;
}

}  // namespace kontalk::fuzz
