#include "json_writer.hpp"

#include <cmath>
#include <cstdio>

namespace kontalk::bench {

std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void JsonObject::appendKey(std::string_view key) {
  if (!body_.empty()) body_ += ",";
  body_ += jsonString(key) + ":";
}

JsonObject& JsonObject::add(std::string_view key, std::string_view value) {
  appendKey(key);
  body_ += jsonString(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, double value) {
  // JSON has no NaN or infinity (RFC 8259 §6).
  if (!std::isfinite(value)) return addNull(key);
  appendKey(key);
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  body_ += text;
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, std::uint64_t value) {
  appendKey(key);
  body_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, bool value) {
  appendKey(key);
  body_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::addNull(std::string_view key) {
  appendKey(key);
  body_ += "null";
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, const JsonObject& object) {
  appendKey(key);
  body_ += object.str();
  return *this;
}

}  // namespace kontalk::bench
