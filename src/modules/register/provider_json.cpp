#include "modules/register/provider_json.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace kontalk::modules::registration {

std::optional<JsonAnswer> JsonAnswer::parse(std::string_view text) {
  // No exceptions on the data path (ARCHITECTURE.md §10): a malformed document is "discarded".
  const auto document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  JsonAnswer answer;
  for (const auto& [key, value] : document.items()) {
    if (value.is_string()) {
      answer.members_.emplace(key, value.get<std::string>());
    } else if (value.is_boolean()) {
      answer.members_.emplace(key, value.get<bool>());
    } else if (value.is_number_integer()) {
      // Unsigned values above INT64_MAX are not an answer any supported service gives.
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        continue;
      }
      answer.members_.emplace(key, value.get<std::int64_t>());
    }
  }
  return answer;
}

std::optional<std::string> JsonAnswer::text(std::string_view key) const {
  const auto found = members_.find(key);
  if (found == members_.end()) return std::nullopt;
  if (const auto* value = std::get_if<std::string>(&found->second)) return *value;
  return std::nullopt;
}

std::optional<bool> JsonAnswer::flag(std::string_view key) const {
  const auto found = members_.find(key);
  if (found == members_.end()) return std::nullopt;
  if (const auto* value = std::get_if<bool>(&found->second)) return *value;
  return std::nullopt;
}

std::optional<std::int64_t> JsonAnswer::integer(std::string_view key) const {
  const auto found = members_.find(key);
  if (found == members_.end()) return std::nullopt;
  if (const auto* value = std::get_if<std::int64_t>(&found->second)) return *value;
  if (const auto* digits = std::get_if<std::string>(&found->second)) {
    std::int64_t parsed = 0;
    const char* end = digits->data() + digits->size();
    auto [stop, error] = std::from_chars(digits->data(), end, parsed);
    if (!digits->empty() && error == std::errc() && stop == end) return parsed;
  }
  return std::nullopt;
}

std::string jsonObject(const std::vector<std::pair<std::string_view, std::string_view>>& members) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : members) object[std::string(name)] = std::string(value);
  // Replacement instead of an exception for invalid UTF-8: the values are our own (numbers,
  // ids a provider gave us), and a broken one must not throw on a worker.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kontalk::modules::registration
