#include "api/http_range.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace kontalk::api {
namespace {

// 1*DIGIT (RFC 9110 §14.1.1), nullopt when empty, not all digits, or beyond 64 bits.
std::optional<std::uint64_t> digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RangeSelection selectRange(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return {};
  const auto spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return {};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto firstText = spec.substr(0, dash);
  const auto lastText = spec.substr(dash + 1);
  if (firstText.empty()) {
    // A suffix range: the last n bytes.
    const auto suffix = digits(lastText);
    if (!suffix) return {};
    if (*suffix == 0 || size == 0) return {RangeKind::Unsatisfiable};
    const auto length = std::min(*suffix, size);
    return {RangeKind::Partial, size - length, size - 1};
  }
  const auto first = digits(firstText);
  if (!first) return {};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!lastText.empty()) {
    const auto given = digits(lastText);
    if (!given || *given < *first) return {};
    last = std::min(*given, last);
  }
  if (*first >= size) return {RangeKind::Unsatisfiable};
  return {RangeKind::Partial, *first, last};
}

}  // namespace kontalk::api
