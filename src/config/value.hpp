#pragma once
// A configuration file as data: the TOML document parsed into a small tree of values, each with
// the line it was written on, so that every error can name file and line. The rest of the server
// never sees the TOML library.
//
// Threading: plain values, immutable once loaded; any thread.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kontalk::config {

struct Value {
  using Array = std::vector<Value>;
  using Table = std::map<std::string, Value, std::less<>>;

  std::variant<bool, std::int64_t, double, std::string, Array, Table> data;
  int line = 0;  // 1-based; 0 when unknown

  const bool* boolean() const { return std::get_if<bool>(&data); }
  const std::int64_t* integer() const { return std::get_if<std::int64_t>(&data); }
  const double* floating() const { return std::get_if<double>(&data); }
  const std::string* string() const { return std::get_if<std::string>(&data); }
  const Array* array() const { return std::get_if<Array>(&data); }
  const Table* table() const { return std::get_if<Table>(&data); }
  // "boolean", "integer", "float", "string", "array" or "table", for messages.
  std::string_view typeName() const;
};

// A loaded file: its name (for messages) and its top-level table.
struct Document {
  std::string file;
  Value root;  // a table
};

}  // namespace kontalk::config
