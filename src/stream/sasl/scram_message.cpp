#include "stream/sasl/scram_message.hpp"

#include <algorithm>

namespace kontalk::sasl {
namespace {

bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::optional<std::vector<ScramAttribute>> parseScramAttributes(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  std::vector<ScramAttribute> attributes;
  while (true) {
    const auto comma = text.find(',');
    const auto attribute = text.substr(0, comma);
    if (attribute.size() < 2 || !isAlpha(attribute[0]) || attribute[1] != '=') return std::nullopt;
    attributes.push_back({attribute[0], attribute.substr(2)});
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return attributes;
}

std::optional<std::string> decodeSaslname(std::string_view saslname) {
  std::string out;
  out.reserve(saslname.size());
  for (std::size_t i = 0; i < saslname.size(); ++i) {
    const char c = saslname[i];
    if (c == ',') return std::nullopt;
    if (c != '=') {
      out += c;
      continue;
    }
    const auto escape = saslname.substr(i + 1, 2);
    if (escape == "2C") {
      out += ',';
    } else if (escape == "3D") {
      out += '=';
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

std::string encodeSaslname(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

bool isValidNonce(std::string_view nonce) {
  return !nonce.empty() && std::all_of(nonce.begin(), nonce.end(),
                                       [](char c) { return c >= 0x21 && c <= 0x7e && c != ','; });
}

std::optional<std::uint32_t> parseIterationCount(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 10 || text[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

}  // namespace kontalk::sasl
