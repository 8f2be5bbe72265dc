#include "http/request_path.hpp"

namespace kontalk::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1; nullopt for a bad escape or a byte no segment may hold.
std::optional<std::string> decodeSegment(std::string_view raw) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      const int high = hexValue(raw[i + 1]);
      const int low = hexValue(raw[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '/' || c == '\\') return std::nullopt;
    decoded.push_back(c);
  }
  if (decoded.empty() || decoded == "." || decoded == "..") return std::nullopt;
  return decoded;
}

}  // namespace

std::optional<std::vector<std::string>> parseRequestPath(std::string_view target) {
  const auto query = target.find_first_of("?#");
  std::string_view path = target.substr(0, query);
  if (!path.starts_with('/')) return std::nullopt;
  std::vector<std::string> segments;
  if (path == "/") return segments;
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    auto segment = decodeSegment(path.substr(0, slash));
    if (!segment) return std::nullopt;
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace kontalk::http
