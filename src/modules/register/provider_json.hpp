#pragma once
// The little JSON the Verify APIs speak (spec §4.5): request bodies that are one flat object of
// strings, and answers of which only top-level scalar members matter. nlohmann/json does the
// parsing; it stays inside provider_json.cpp.
//
// Threading: values, no shared state; any thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kontalk::modules::registration {

class JsonAnswer {
 public:
  // The top-level object of `text`; nullopt when `text` is not JSON or not an object. Nested
  // values are parsed (and so validated) but not kept. The caller bounds `text`'s size.
  static std::optional<JsonAnswer> parse(std::string_view text);

  // A member that is a string; nullopt when absent or of another type.
  std::optional<std::string> text(std::string_view key) const;
  // A member that is true or false.
  std::optional<bool> flag(std::string_view key) const;
  // A member that is an integer, or a string of decimal digits (the Nexmo-shaped APIs send their
  // status either way).
  std::optional<std::int64_t> integer(std::string_view key) const;

 private:
  std::map<std::string, std::variant<std::string, bool, std::int64_t>, std::less<>> members_;
};

// {"name":"value",...} with every name and value a JSON string, escaped.
std::string jsonObject(const std::vector<std::pair<std::string_view, std::string_view>>& members);

}  // namespace kontalk::modules::registration
