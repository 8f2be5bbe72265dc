#pragma once
// Threading: a plain value; any thread.
#include <cstddef>

namespace kontalk::xml {

// Hard limits on what one peer may make the parser hold. Every one is a policy violation when
// exceeded (RFC 6120 §4.9.3.12). Defaults are generous for real clients (Kontalk sends PGP keys,
// and media messages whose encrypted payload carries a base64 thumbnail: one element's text of
// up to 512 KiB) yet bound a single connection's memory.
struct ParserLimits {
  std::size_t maxStanzaBytes = 640 * 1024;  // wire bytes of one top-level stanza
  std::size_t maxDepth = 24;                // element nesting below the stream element
  std::size_t maxAttributes = 64;           // attributes (including xmlns declarations) per element
  std::size_t maxTextBytes = 512 * 1024;    // character data in one element
  std::size_t maxChildren = 2048;           // child elements of one element
  std::size_t maxNameBytes = 1024;          // length of an element or attribute name
};

}  // namespace kontalk::xml
