// Fuzz target: HTTP request paths (src/http/request_path). The input is a request target.
// Properties checked, besides the sanitizers': no accepted segment is empty, ".", "..", or holds
// '/', '\\' or a control byte; re-encoding the segments parses back to the same segments.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "http/request_path.hpp"

namespace {

using kontalk::fuzz::check;

std::string encode(const std::vector<std::string>& segments) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string target;
  for (const auto& segment : segments) {
    target += '/';
    for (const char c : segment) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
          (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '~') {
        target += c;
      } else {
        target += '%';
        target += kHex[byte >> 4];
        target += kHex[byte & 15];
      }
    }
  }
  return target.empty() ? "/" : target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto segments = kontalk::http::parseRequestPath(input);
  if (!segments) return 0;
  for (const auto& segment : *segments) {
    check(!segment.empty() && segment != "." && segment != "..", "a dot or empty segment passed",
          input);
    for (const char c : segment) {
      const auto byte = static_cast<unsigned char>(c);
      check(c != '/' && c != '\\' && byte >= 0x20 && byte != 0x7f,
            "a separator or control byte passed", input);
    }
  }
  const auto again = kontalk::http::parseRequestPath(encode(*segments));
  check(again.has_value() && *again == *segments, "re-encoded segments parse differently", input);
  return 0;
}
