#pragma once
// Incremental parser for one XMPP stream (RFC 6120 §4): a stream header, then a sequence of
// top-level elements (stanzas and stream-level elements), then the stream's end tag. Built on
// expat with namespace processing; input may arrive split at any byte.
//
// Threading: a parser belongs to one connection and is used from that connection's shard only.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xml/limits.hpp"

namespace kontalk::xml {

enum class ParseError {
  NotWellFormed,  // <not-well-formed/>: syntax errors, undefined entities, bad UTF-8
  RestrictedXml,  // <restricted-xml/>: comments, processing instructions, DTDs, entity declarations
  PolicyViolation,     // <policy-violation/>: a ParserLimits bound was exceeded
  BadNamespacePrefix,  // <bad-namespace-prefix/>: an undeclared prefix
};

class StreamParserEvents {
 public:
  virtual ~StreamParserEvents() = default;
  // The stream header. `header` has the element's name and namespace and its attributes; the
  // namespace declarations made on it appear as attributes "xmlns" and "xmlns:prefix".
  virtual void handleStreamOpen(const Element& header) = 0;
  // One complete top-level element below the stream element.
  virtual void handleStreamElement(Element element) = 0;
  // The stream's end tag.
  virtual void handleStreamClose() = 0;
  // Parsing failed; no further events follow until reset().
  virtual void handleParseError(ParseError error, std::string detail) = 0;
};

class StreamParser {
 public:
  StreamParser(StreamParserEvents& events, ParserLimits limits);
  ~StreamParser();
  StreamParser(const StreamParser&) = delete;
  StreamParser& operator=(const StreamParser&) = delete;

  // Parses `bytes` (the parser copies what it still needs) and delivers events synchronously.
  // Stops early if a handler calls pause(); the unparsed rest is then kept inside the parser.
  // While paused, the bytes are only appended to the kept rest. Does nothing on a failed parser or
  // after the stream's end tag. Called from inside a handler, it only appends to the input.
  void feed(std::string_view bytes);

  // Callable from inside an event handler: stop after the current event. Used where the rest of
  // the input belongs to a new stream (STARTTLS, SASL success: RFC 6120 §4.3.3) or must wait for
  // an asynchronous decision (SASL verification) while a pipelining client keeps sending.
  void pause();
  bool paused() const;

  // Continues parsing the kept rest after a pause (may pause again). No-op when nothing is kept.
  // Called from inside a handler it cancels a pause requested in the same event.
  void resume();

  // Forgets all parse state and expects a new stream header (stream restart), but KEEPS an unparsed
  // rest so that the next resume()/feed() parses it as the start of the new stream. Also clears a
  // pause and a failure. Called from inside a handler it takes effect after the current event, and
  // parsing then continues with the new stream unless pause() was called too.
  void reset();

  // Drops any kept rest (used after STARTTLS: plaintext bytes after <starttls/> must be ignored,
  // RFC 6120 §5.4.3.3). Use it together with reset(): bytes of the current stream that the parser
  // already handed to expat can only be forgotten with that stream. Called from inside a handler
  // it takes effect after the current event.
  void discardPending();

  bool failed() const;

  // Frees expat's parser (its buffers, name pools and hash tables: several KiB) while the stream
  // sits between top-level elements with nothing pending, and returns whether it did. The next
  // feed() or reset() makes a new one, which first reads a header built from the stream header's
  // tag name and namespace declarations, so the stream's context is the same as before. Meant for
  // idle connections (most of a messaging server's): re-creating costs a few microseconds. A no-op
  // (false) inside a handler, while paused, failed or closed, or while expat holds a partial token.
  bool releaseIdleMemory();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kontalk::xml
