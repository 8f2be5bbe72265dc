#include "storage/postgresql/array_literal.hpp"

namespace kontalk::storage::postgresql {

std::string int64ArrayLiteral(std::span<const std::int64_t> values) {
  std::string literal = "{";
  for (const std::int64_t value : values) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(value);
  }
  literal += '}';
  return literal;
}

std::string textArrayLiteral(std::span<const std::string> values) {
  std::string literal = "{";
  for (const std::string& value : values) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    // Inside a quoted element only the quote and the backslash are special
    // (https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO).
    for (const char c : value) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

}  // namespace kontalk::storage::postgresql
