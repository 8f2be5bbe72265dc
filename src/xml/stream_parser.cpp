#include "xml/stream_parser.hpp"

#include <expat.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "xml/serializer.hpp"

namespace kontalk::xml {
namespace {

// Separates namespace URI, local name and prefix in names reported by expat. A control character
// cannot occur in XML 1.0 text, so it can appear in no URI (expat rejects a URI containing it).
constexpr XML_Char kNameSeparator = '\x01';
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";
// Input is handed to expat in slices of this size so that the stanza-size bound is checked while a
// huge feed is being parsed, not only after all of it was turned into elements.
constexpr std::size_t kSliceBytes = 16 * 1024;

struct ExpandedName {
  std::string_view uri;
  std::string_view local;
  std::string_view prefix;

  // Length of the qualified name as written on the wire.
  std::size_t wireLength() const {
    return prefix.empty() ? local.size() : prefix.size() + 1 + local.size();
  }
};

// Splits "uri<sep>local<sep>prefix" (namespace triplets, XML_SetReturnNSTriplet).
ExpandedName splitName(const XML_Char* raw) {
  std::string_view name(raw);
  std::size_t first = name.find(kNameSeparator);
  if (first == std::string_view::npos) return {{}, name, {}};
  ExpandedName result{name.substr(0, first), name.substr(first + 1), {}};
  std::size_t second = result.local.find(kNameSeparator);
  if (second != std::string_view::npos) {
    result.prefix = result.local.substr(second + 1);
    result.local = result.local.substr(0, second);
  }
  return result;
}

bool isXmlWhitespace(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

struct ExpatParserFree {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

// One element under construction: a pointer into the stanza tree (stable, since child elements are
// heap-allocated by Node) plus the counters its limits need.
struct OpenElement {
  Element* element;
  std::size_t textBytes = 0;
  std::size_t children = 0;
};

}  // namespace

struct StreamParser::Impl {
  Impl(StreamParserEvents& eventSink, ParserLimits parserLimits)
      : events(eventSink), limits(parserLimits) {
    createExpat();
  }

  StreamParserEvents& events;
  const ParserLimits limits;
  // Null while released (releaseIdleMemory); made again before expat is next needed.
  std::unique_ptr<XML_ParserStruct, ExpatParserFree> expat;
  // What a re-created expat reads first to stand where the released one stood: the stream
  // header's tag and namespace declarations, e.g. <stream:stream xmlns='jabber:client'
  // xmlns:stream='http://etherx.jabber.org/streams'>. Set when the header is parsed.
  std::string contextHeader;
  bool readingContextHeader = false;
  // Stream offset = expat's byte index + indexShift: a re-created expat counts from its context
  // header, not from the start of the stream.
  std::int64_t indexShift = 0;

  // --- input bookkeeping ---------------------------------------------------------------------
  // Bytes received but not yet handed to expat (kept while paused, or after a reset).
  std::string pending;
  // While expat is suspended: the bytes it holds but has not parsed yet, i.e. what follows the
  // event that paused it. Only needed if the stream is reset; a plain resume lets expat go on.
  std::string suspendedTail;
  bool expatSuspended = false;
  // Bytes handed to expat since the stream (re)started; expat's byte indices count the same way.
  std::uint64_t handedBytes = 0;
  // The slice being parsed and its stream offset, to find the tail when a handler pauses.
  std::string_view slice;
  std::uint64_t sliceStart = 0;
  std::uint64_t suspendedAt = 0;  // stream offset just after the event that paused
  bool insideExpat = false;       // an expat call is on the stack (handlers are running)
  bool reportingError = false;    // handleParseError is running outside an expat call
  bool suspendRequested = false;  // XML_StopParser(resumable) was issued in this expat call
  bool pauseRequested = false;
  bool resetRequested = false;
  bool discardRequested = false;
  bool failedState = false;
  bool closed = false;  // the stream's end tag was seen

  // --- document state ----------------------------------------------------------------------
  bool headerSeen = false;
  std::size_t namespaceDeclarations = 0;  // made on the element whose start tag is being reported
  std::vector<Attribute> headerDeclarations;
  std::optional<Element> stanza;
  std::vector<OpenElement> openElements;  // the stanza and its open descendants
  // Offset where the current unit of input began: the stanza's '<' inside a stanza, otherwise the
  // end of the last event at stream level. More than maxStanzaBytes after it is a violation.
  std::uint64_t unitStart = 0;

  static Impl& from(void* userData) { return *static_cast<Impl*>(userData); }

  void createExpat() {
    expat.reset(XML_ParserCreateNS("UTF-8", kNameSeparator));
    if (!expat) throw std::bad_alloc();
    configureExpat();
  }

  // --- releasing expat while idle ------------------------------------------------------------

  bool releaseIdleMemory() {
    // unitStart == handedBytes: every byte expat was given ended in a reported event, so it holds
    // no partial token and its only state is the open stream element with its declarations.
    if (!expat || deferring() || !headerSeen || failedState || closed || expatSuspended ||
        pauseRequested || resetRequested || discardRequested || !openElements.empty() ||
        !pending.empty() || unitStart != handedBytes) {
      return false;
    }
    expat.reset();
    // Capacity kept from earlier traffic is released too (swapped: assigning an empty string
    // keeps the old buffer).
    std::string().swap(pending);
    std::string().swap(suspendedTail);
    headerDeclarations = std::vector<Attribute>();
    openElements = std::vector<OpenElement>();
    return true;
  }

  // A new expat, positioned inside the stream element as the released one was.
  void recreateExpat() {
    createExpat();
    readingContextHeader = true;
    const XML_Status status = XML_Parse(expat.get(), contextHeader.data(),
                                        static_cast<int>(contextHeader.size()), XML_FALSE);
    readingContextHeader = false;
    indexShift =
        static_cast<std::int64_t>(handedBytes) - static_cast<std::int64_t>(contextHeader.size());
    // It was well-formed when the client sent it; failing here would be a bug of ours.
    if (status != XML_STATUS_OK)
      fail(ParseError::NotWellFormed, "cannot restore the stream context");
  }

  void rememberContextHeader(const ExpandedName& name) {
    contextHeader.assign("<");
    if (!name.prefix.empty()) contextHeader.append(name.prefix).append(":");
    contextHeader.append(name.local);
    for (const Attribute& declaration : headerDeclarations) {
      contextHeader.append(" ").append(declaration.name).append("='");
      appendEscapedAttribute(contextHeader, declaration.value);
      contextHeader.append("'");
    }
    contextHeader.append(">");
    contextHeader.shrink_to_fit();
  }

  void configureExpat() {
    XML_Parser parser = expat.get();
    XML_SetUserData(parser, this);
    XML_SetReturnNSTriplet(parser, XML_TRUE);
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
    // Deferred reparsing would report events late, after the bytes that follow them were handed
    // over; pausing relies on each event being reported within the slice that completes it.
    XML_SetReparseDeferralEnabled(parser, XML_FALSE);
#endif
    XML_SetElementHandler(parser, onStartElement, onEndElement);
    XML_SetCharacterDataHandler(parser, onCharacterData);
    XML_SetStartNamespaceDeclHandler(parser, onNamespaceDeclaration);
    XML_SetXmlDeclHandler(parser, onXmlDeclaration);
    // RFC 6120 §11.1: comments, processing instructions, internal or external DTD subsets and
    // entity declarations are restricted. Rejecting the DOCTYPE as soon as it starts means no
    // entity is ever declared, so nothing can expand ("billion laughs").
    XML_SetCommentHandler(parser, onComment);
    XML_SetProcessingInstructionHandler(parser, onProcessingInstruction);
    XML_SetStartDoctypeDeclHandler(parser, onDoctype);
    XML_SetEntityDeclHandler(parser, onEntityDeclaration);
  }

  // --- driving expat -------------------------------------------------------------------------

  // Requests made while handlers run take effect once control is back in the parser's loop.
  bool deferring() const {
    return insideExpat || reportingError;
  }

  // After the end tag only a handler's pause/reset (which suspended expat) keeps input alive.
  bool acceptsInput() const {
    return !failedState && (!closed || expatSuspended);
  }

  bool canParse() const {
    return !pauseRequested && !failedState && !closed && !resetRequested && !discardRequested &&
           !expatSuspended;
  }

  void feed(std::string_view bytes) {
    if (deferring()) {
      pending.append(bytes);
      return;
    }
    if (!acceptsInput()) return;
    if (!canParse() || !pending.empty()) {
      pending.append(bytes);
      drain();
      return;
    }
    // Fast path: parse straight from the caller's bytes; copy only what a pause leaves over.
    std::size_t handed = handOver(bytes);
    keepUnhanded(bytes.substr(handed));
    drain();
  }

  // Parses as much of the kept input as the state allows.
  void drain() {
    for (;;) {
      applyRequests();
      if (pauseRequested || failedState || closed) return;
      if (expatSuspended) {
        resumeExpat();
        continue;
      }
      if (pending.empty()) return;
      std::string input = std::exchange(pending, std::string());
      std::size_t handed = handOver(input);
      keepUnhanded(std::string_view(input).substr(handed));
    }
  }

  // Hands `input` to expat slice by slice until it stops; returns how many bytes were handed.
  std::size_t handOver(std::string_view input) {
    std::size_t offset = 0;
    if (!expat && !input.empty() && canParse()) recreateExpat();
    while (offset < input.size() && canParse()) {
      slice = input.substr(offset, kSliceBytes);
      // A NUL byte is never legal XML, and expat takes one near the start of a document as
      // UTF-16 whatever encoding it was told (RFC 6120 §11.6 allows UTF-8 only). Refusing it
      // here, after everything before it, keeps the outcome independent of how input is split.
      if (const std::size_t nul = slice.find('\0'); nul == 0) {
        fail(ParseError::NotWellFormed, "NUL byte in the stream (a stream is UTF-8)");
        return offset;
      } else if (nul != std::string_view::npos) {
        slice = slice.substr(0, nul);
      }
      offset += slice.size();
      sliceStart = handedBytes;
      handedBytes += slice.size();
      insideExpat = true;
      XML_Status status =
          XML_Parse(expat.get(), slice.data(), static_cast<int>(slice.size()), XML_FALSE);
      insideExpat = false;
      afterExpat(status);
    }
    return offset;
  }

  void resumeExpat() {
    std::string tail = std::exchange(suspendedTail, std::string());
    expatSuspended = false;
    slice = tail;
    sliceStart = handedBytes - tail.size();
    insideExpat = true;
    XML_Status status = XML_ResumeParser(expat.get());
    insideExpat = false;
    afterExpat(status);
  }

  // Bytes not handed to expat go before anything fed from inside a handler meanwhile.
  void keepUnhanded(std::string_view rest) {
    if (!rest.empty() && acceptsInput()) pending.insert(0, rest);
  }

  void afterExpat(XML_Status status) {
    suspendRequested = false;
    if (failedState) return;
    switch (status) {
      case XML_STATUS_SUSPENDED:
        expatSuspended = true;
        suspendedTail.assign(slice.substr(static_cast<std::size_t>(suspendedAt - sliceStart)));
        return;
      case XML_STATUS_ERROR:
        // Our own XML_StopParser after the stream's end tag also ends here.
        if (!closed) reportExpatError();
        return;
      case XML_STATUS_OK:
        checkUnitSize(handedBytes);
        return;
    }
  }

  void reportExpatError() {
    XML_Error code = XML_GetErrorCode(expat.get());
    std::string detail = XML_ErrorString(code);
    fail(code == XML_ERROR_UNBOUND_PREFIX ? ParseError::BadNamespacePrefix
                                          : ParseError::NotWellFormed,
         std::move(detail));
  }

  // Stops expat after the current event, remembering where that event ended.
  void suspendExpat() {
    if (!insideExpat || suspendRequested) return;
    suspendRequested = true;
    suspendedAt = eventEnd();
    XML_StopParser(expat.get(), XML_TRUE);
  }

  void applyRequests() {
    if (discardRequested) {
      discardRequested = false;
      pending.clear();
      suspendedTail.clear();
    }
    if (resetRequested) {
      // A reset requested by a handler keeps that handler's pause: it wants to act before the
      // new stream's header is parsed.
      resetRequested = false;
      bool keepPaused = pauseRequested;
      restart();
      pauseRequested = keepPaused;
    }
  }

  void pause() {
    if (failedState) return;
    pauseRequested = true;
    suspendExpat();
  }

  void resume() {
    pauseRequested = false;
    if (!deferring()) drain();
  }

  void reset() {
    if (deferring()) {
      resetRequested = true;
      suspendExpat();
      return;
    }
    restart();
  }

  void discardPending() {
    if (deferring()) {
      discardRequested = true;
      suspendExpat();
      return;
    }
    pending.clear();
    suspendedTail.clear();
  }

  // A new stream: everything after the pause point becomes the start of its input.
  void restart() {
    if (expatSuspended) pending.insert(0, suspendedTail);
    suspendedTail.clear();
    expatSuspended = false;
    if (expat) {
      XML_ParserReset(expat.get(), "UTF-8");
      configureExpat();
    } else {
      createExpat();
    }
    indexShift = 0;
    contextHeader.clear();
    handedBytes = 0;
    pauseRequested = false;
    failedState = false;
    closed = false;
    headerSeen = false;
    namespaceDeclarations = 0;
    headerDeclarations.clear();
    stanza.reset();
    openElements.clear();
    unitStart = 0;
  }

  void fail(ParseError error, std::string detail) {
    if (failedState) return;
    failedState = true;
    pending.clear();
    suspendedTail.clear();
    stanza.reset();
    openElements.clear();
    if (insideExpat) XML_StopParser(expat.get(), XML_FALSE);
    bool wasReporting = std::exchange(reportingError, true);
    events.handleParseError(error, std::move(detail));
    reportingError = wasReporting;
  }

  void failLimit(const char* limit) {
    fail(ParseError::PolicyViolation, std::string(limit) + " exceeded");
  }

  // --- positions and limits ------------------------------------------------------------------

  std::uint64_t eventStart() const {
    return static_cast<std::uint64_t>(
        static_cast<std::int64_t>(XML_GetCurrentByteIndex(expat.get())) + indexShift);
  }
  std::uint64_t eventEnd() const {
    return eventStart() + static_cast<std::uint64_t>(XML_GetCurrentByteCount(expat.get()));
  }

  // True (and failed) when the unit of input that reaches `offset` is larger than allowed.
  bool checkUnitSize(std::uint64_t offset) {
    if (offset > unitStart && offset - unitStart > limits.maxStanzaBytes) {
      failLimit(headerSeen ? "maxStanzaBytes" : "maxStanzaBytes (stream header)");
      return true;
    }
    return false;
  }

  // Checks the attribute-related limits of a start tag; true (and failed) on a breach.
  bool checkStartTag(const ExpandedName& name, const XML_Char** attributes) {
    if (name.wireLength() > limits.maxNameBytes) {
      failLimit("maxNameBytes");
      return true;
    }
    std::size_t count = std::exchange(namespaceDeclarations, 0);
    for (const XML_Char** attribute = attributes; *attribute != nullptr; attribute += 2) {
      ++count;
      if (splitName(*attribute).wireLength() > limits.maxNameBytes) {
        failLimit("maxNameBytes");
        return true;
      }
    }
    if (count > limits.maxAttributes) {
      failLimit("maxAttributes");
      return true;
    }
    return false;
  }

  // --- building elements ---------------------------------------------------------------------

  static void addAttributes(Element& element, const XML_Char** attributes) {
    for (const XML_Char** attribute = attributes; *attribute != nullptr; attribute += 2) {
      ExpandedName name = splitName(attribute[0]);
      std::string value(attribute[1]);
      if (name.uri.empty()) {
        element.setAttribute(name.local, std::move(value));
      } else if (name.uri == kXmlNs) {
        element.setAttribute(std::string("xml:").append(name.local), std::move(value));
      } else {
        // Keep the prefix and its declaration together so the element serializes on its own.
        std::string declaration = std::string("xmlns:").append(name.prefix);
        element.setAttribute(std::string(name.prefix).append(":").append(name.local),
                             std::move(value));
        if (!element.hasAttribute(declaration)) {
          element.setAttribute(declaration, std::string(name.uri));
        }
      }
    }
  }

  void openStream(const ExpandedName& name, const XML_Char** attributes) {
    if (checkUnitSize(eventEnd()) || checkStartTag(name, attributes)) return;
    rememberContextHeader(name);
    Element header{std::string(name.local), std::string(name.uri)};
    for (Attribute& declaration : headerDeclarations) {
      header.setAttribute(declaration.name, std::move(declaration.value));
    }
    headerDeclarations.clear();
    addAttributes(header, attributes);
    headerSeen = true;
    unitStart = eventEnd();
    events.handleStreamOpen(header);
  }

  void startElement(const XML_Char* rawName, const XML_Char** attributes) {
    if (failedState) return;
    ExpandedName name = splitName(rawName);
    if (!headerSeen) {
      openStream(name, attributes);
      return;
    }
    if (openElements.empty()) {
      unitStart = eventStart();
    } else if (++openElements.back().children > limits.maxChildren) {
      failLimit("maxChildren");
      return;
    }
    if (openElements.size() + 1 > limits.maxDepth) {
      failLimit("maxDepth");
      return;
    }
    if (checkUnitSize(eventEnd()) || checkStartTag(name, attributes)) return;

    Element* element;
    if (openElements.empty()) {
      element = &stanza.emplace(std::string(name.local), std::string(name.uri));
    } else {
      element =
          &openElements.back().element->addChild(std::string(name.local), std::string(name.uri));
    }
    addAttributes(*element, attributes);
    openElements.push_back(OpenElement{element});
  }

  void endElement() {
    if (failedState) return;
    if (openElements.empty()) {
      closed = true;
      events.handleStreamClose();
      // Nothing may follow the end tag; stop unless a handler wants the rest (pause/reset).
      if (!failedState && !suspendRequested) XML_StopParser(expat.get(), XML_FALSE);
      return;
    }
    openElements.pop_back();
    if (!openElements.empty()) return;
    std::uint64_t end = eventEnd();
    if (checkUnitSize(end)) return;
    unitStart = end;
    Element complete = std::move(*stanza);
    stanza.reset();
    events.handleStreamElement(std::move(complete));
  }

  void characterData(std::string_view text) {
    if (failedState) return;
    if (openElements.empty()) {
      // RFC 6120 §4.6.1: only whitespace (keepalives) may appear between top-level elements.
      if (!isXmlWhitespace(text)) {
        fail(ParseError::NotWellFormed, "character data between stanzas");
        return;
      }
      unitStart = eventEnd();
      return;
    }
    OpenElement& open = openElements.back();
    open.textBytes += text.size();
    if (open.textBytes > limits.maxTextBytes) {
      failLimit("maxTextBytes");
      return;
    }
    if (checkUnitSize(eventEnd())) return;
    open.element->addText(text);
  }

  // --- expat callbacks -----------------------------------------------------------------------

  static void XMLCALL onStartElement(void* userData, const XML_Char* name,
                                     const XML_Char** attributes) {
    Impl& self = from(userData);
    if (self.readingContextHeader) {
      self.namespaceDeclarations = 0;  // declared again, not by the client
      return;
    }
    self.startElement(name, attributes);
  }
  static void XMLCALL onEndElement(void* userData, const XML_Char*) {
    from(userData).endElement();
  }
  static void XMLCALL onCharacterData(void* userData, const XML_Char* text, int length) {
    from(userData).characterData(std::string_view(text, static_cast<std::size_t>(length)));
  }
  static void XMLCALL onNamespaceDeclaration(void* userData, const XML_Char* prefix,
                                             const XML_Char* uri) {
    Impl& self = from(userData);
    if (self.failedState) return;
    ++self.namespaceDeclarations;
    if (!self.headerSeen) {
      // The stream header's declarations are reported to the stream layer as attributes.
      std::string name = prefix != nullptr ? std::string("xmlns:").append(prefix) : "xmlns";
      if (name.size() > self.limits.maxNameBytes) {
        self.failLimit("maxNameBytes");
        return;
      }
      self.headerDeclarations.push_back(Attribute{std::move(name), uri != nullptr ? uri : ""});
    }
  }
  static void XMLCALL onXmlDeclaration(void* userData, const XML_Char*, const XML_Char* encoding,
                                       int) {
    // RFC 6120 §11.6: XMPP is UTF-8 only; expat is forced to UTF-8 and would ignore the label.
    if (encoding != nullptr && !equalsIgnoringAsciiCase(encoding, "UTF-8")) {
      from(userData).fail(ParseError::NotWellFormed, "encoding other than UTF-8");
    }
  }
  static void XMLCALL onComment(void* userData, const XML_Char*) {
    from(userData).fail(ParseError::RestrictedXml, "comment");
  }
  static void XMLCALL onProcessingInstruction(void* userData, const XML_Char*, const XML_Char*) {
    from(userData).fail(ParseError::RestrictedXml, "processing instruction");
  }
  static void XMLCALL onDoctype(void* userData, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    from(userData).fail(ParseError::RestrictedXml, "document type declaration");
  }
  static void XMLCALL onEntityDeclaration(void* userData, const XML_Char*, int, const XML_Char*,
                                          int, const XML_Char*, const XML_Char*, const XML_Char*,
                                          const XML_Char*) {
    from(userData).fail(ParseError::RestrictedXml, "entity declaration");
  }
};

StreamParser::StreamParser(StreamParserEvents& events, ParserLimits limits)
    : impl_(std::make_unique<Impl>(events, limits)) {}

StreamParser::~StreamParser() = default;

void StreamParser::feed(std::string_view bytes) {
  impl_->feed(bytes);
}
void StreamParser::pause() {
  impl_->pause();
}
bool StreamParser::paused() const {
  return impl_->pauseRequested;
}
void StreamParser::resume() {
  impl_->resume();
}
void StreamParser::reset() {
  impl_->reset();
}
void StreamParser::discardPending() {
  impl_->discardPending();
}
bool StreamParser::failed() const {
  return impl_->failedState;
}
bool StreamParser::releaseIdleMemory() {
  return impl_->releaseIdleMemory();
}

}  // namespace kontalk::xml
