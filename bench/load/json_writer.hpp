#pragma once
// A flat-or-nested JSON object writer for the generator's result line. Keys are written in the
// order they are added; strings are escaped per RFC 8259 §7.

#include <cstdint>
#include <string>
#include <string_view>

namespace kontalk::bench {

class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonObject& add(std::string_view key, double value);
  JsonObject& add(std::string_view key, std::uint64_t value);
  JsonObject& add(std::string_view key, bool value);
  JsonObject& addNull(std::string_view key);
  JsonObject& add(std::string_view key, const JsonObject& object);

  std::string str() const { return "{" + body_ + "}"; }

 private:
  void appendKey(std::string_view key);
  std::string body_;
};

// `text` as a quoted JSON string.
std::string jsonString(std::string_view text);

}  // namespace kontalk::bench
