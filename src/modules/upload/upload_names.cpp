#include "modules/upload/upload_names.hpp"

#include <algorithm>
#include <cctype>

#include "base/encoding.hpp"

namespace kontalk::modules::upload {
namespace {

// The longest extension kept whole when a name is shortened.
constexpr std::size_t kMaxExtension = 16;

bool isNameCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

// RFC 9110 §5.6.2 tchar.
bool isTokenCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string newSlotId() {
  std::string id = base::base64Encode(base::randomBytes(kSlotIdLength * 3 / 4));
  // RFC 4648 §5: base64url; 24 bytes need no padding.
  std::replace(id.begin(), id.end(), '+', '-');
  std::replace(id.begin(), id.end(), '/', '_');
  return id;
}

bool isSlotId(std::string_view text) {
  return text.size() == kSlotIdLength && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
         });
}

std::string sanitizeName(std::string_view filename) {
  std::string name;
  for (const char c : filename) {
    // Each byte of a multi-byte UTF-8 character becomes one '_' (the stanza bounds the length).
    name.push_back(isNameCharacter(c) ? c : '_');
  }
  // The name must stay a file name in a URL path: no ".", "..", nor hidden names.
  for (auto& c : name) {
    if (c != '.') break;
    c = '_';
  }
  if (name.empty()) return "file";
  if (name.size() <= kMaxNameLength) return name;
  const auto dot = name.rfind('.');
  std::string extension;
  if (dot != std::string::npos && name.size() - dot <= kMaxExtension) extension = name.substr(dot);
  return name.substr(0, kMaxNameLength - extension.size()) + extension;
}

std::string mediaType(std::string_view contentType) {
  const auto view = trim(contentType.substr(0, contentType.find(';')));
  const auto slash = view.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == view.size()) return "";
  const bool tokens =
      std::all_of(view.begin(), view.end(), [](char c) { return c == '/' || isTokenCharacter(c); });
  if (!tokens || view.find('/', slash + 1) != std::string_view::npos) return "";
  std::string lower(view);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace kontalk::modules::upload
