#pragma once
// The Range request header (RFC 9110 §14.2) as routes that serve files answer it: one byte range
// gets 206, an unsatisfiable one 416, anything else the whole file (a server may ignore Range;
// spec §8.7: several ranges → 200).
// Threading: pure function; any thread.

#include <cstdint>
#include <string_view>

namespace kontalk::api {

enum class RangeKind { Whole, Partial, Unsatisfiable };

struct RangeSelection {
  RangeKind kind = RangeKind::Whole;
  std::uint64_t first = 0;  // Partial: the first and last byte, inclusive, last < size
  std::uint64_t last = 0;
};

// `header` is the Range header's value ("" when absent); `size` the representation's length.
// "bytes=a-b" (b clamped to size-1), "bytes=a-" and "bytes=-n" (the last n bytes) are one range;
// a range starting at or beyond `size`, or "bytes=-0", is Unsatisfiable; a malformed header, a
// unit other than bytes, a list of ranges or a < b violated (b < a) mean Whole.
RangeSelection selectRange(std::string_view header, std::uint64_t size);

}  // namespace kontalk::api
