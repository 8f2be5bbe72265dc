#include "stream/sasl/saslprep.hpp"

#include <stringprep.h>

#include <algorithm>

namespace kontalk::sasl {
namespace {

// Stringprep table C.2.1 (RFC 3454): U+0000..U+001F and U+007F.
bool isAsciiControl(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

bool isAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::optional<std::string> saslprep(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // On ASCII, SASLprep maps nothing and prohibits only controls (ASCII space is allowed, RFC 4013
  // §2.3); skipping libidn here keeps the common case cheap.
  if (isAscii(text)) {
    if (std::any_of(text.begin(), text.end(), isAsciiControl)) return std::nullopt;
    return std::string(text);
  }
  // libidn works in place on a NUL-terminated buffer, so an embedded NUL would truncate the input.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  // NFKC can expand a code point into many (U+FDFA: 3 bytes become 33), so retry with a larger
  // buffer when libidn reports that the result does not fit.
  std::string buffer;
  for (std::size_t factor = 2;; factor *= 4) {
    buffer.assign(text);
    buffer.resize(text.size() * factor + 1, '\0');
    const int rc =
        stringprep(buffer.data(), buffer.size(), STRINGPREP_NO_UNASSIGNED, stringprep_saslprep);
    if (rc == STRINGPREP_OK) break;
    if (rc != STRINGPREP_TOO_SMALL_BUFFER || factor > 32) return std::nullopt;
  }
  buffer.resize(buffer.find('\0'));
  if (buffer.empty()) return std::nullopt;  // everything was mapped to nothing
  return buffer;
}

}  // namespace kontalk::sasl
