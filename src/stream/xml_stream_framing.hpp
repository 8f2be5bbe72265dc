#pragma once
// The TCP framing (RFC 6120 §4): one XML stream per direction, parsed incrementally by
// xml::StreamParser; stanzas are written bare in the stream's jabber:client namespace.
//
// Threading: on the stream's shard (StreamFraming).

#include "stream/stream_framing.hpp"
#include "xml/limits.hpp"

namespace kontalk::stream {

class XmlStreamFraming final : public StreamFraming {
 public:
  XmlStreamFraming(StreamFramingEvents& events, const xml::ParserLimits& limits)
      : parser_(events, limits) {}

  TransportKind kind() const override { return TransportKind::Tcp; }
  void feed(std::string_view bytes, std::string&) override { parser_.feed(bytes); }
  void pause() override { parser_.pause(); }
  void resume(std::string&) override { parser_.resume(); }
  void restart(bool discardPending) override;
  bool isStreamOpen(const xml::Element& open) const override;
  std::string_view expectedOpen() const override { return "Expected a jabber:client stream."; }
  bool offersStartTls() const override { return true; }
  bool releaseIdleMemory() override { return parser_.releaseIdleMemory(); }

  void appendOpen(std::string& out, std::string_view id, std::string_view from,
                  std::string_view to) override;
  void appendElement(std::string& out, const xml::Element& element) override;
  void appendSerialized(std::string& out, std::string_view element) override {
    out.append(element);
  }
  void appendClose(std::string& out) override { out += "</stream:stream>"; }
  void appendKeepalive(std::string& out) override { out += ' '; }

 private:
  xml::StreamParser parser_;
};

}  // namespace kontalk::stream
