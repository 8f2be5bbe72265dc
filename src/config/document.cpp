#include "config/document.hpp"

#include <sstream>

#include <toml.hpp>

#include "config/config_error.hpp"

namespace kontalk::config {
namespace {

Value convert(const toml::value& value) {
  Value converted;
  converted.line = static_cast<int>(value.location().line());
  switch (value.type()) {
    case toml::value_t::boolean:
      converted.data = value.as_boolean();
      break;
    case toml::value_t::integer:
      converted.data = static_cast<std::int64_t>(value.as_integer());
      break;
    case toml::value_t::floating:
      converted.data = static_cast<double>(value.as_floating());
      break;
    case toml::value_t::string:
      converted.data = value.as_string().str;
      break;
    case toml::value_t::array: {
      Value::Array array;
      for (const auto& item : value.as_array()) array.push_back(convert(item));
      converted.data = std::move(array);
      break;
    }
    case toml::value_t::table: {
      Value::Table table;
      for (const auto& [key, item] : value.as_table()) table.emplace(key, convert(item));
      converted.data = std::move(table);
      break;
    }
    default:
      // Dates and times: no option takes one; keep the text so that the error names it.
      converted.data = toml::format(value);
      break;
  }
  return converted;
}

}  // namespace

void throwConfigError(const std::string& file, int line, const std::string& section,
                      const std::string& key, const std::string& problem) {
  std::string message = file;
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  if (!section.empty()) message += "[" + section + "] ";
  if (!key.empty()) message += key + " ";
  message += problem;
  throw ConfigError(message);
}

Document loadDocument(const std::filesystem::path& file) {
  try {
    return Document{file.string(), convert(toml::parse(file.string()))};
  } catch (const toml::exception& e) {
    throw ConfigError("cannot read config " + file.string() + ": " + e.what());
  } catch (const std::runtime_error& e) {  // toml11 reports an unreadable file so
    throw ConfigError("cannot read config " + file.string() + ": " + e.what());
  }
}

Document parseDocument(const std::string& text, const std::string& name) {
  std::istringstream stream(text);
  try {
    return Document{name, convert(toml::parse(stream, name))};
  } catch (const toml::exception& e) {
    throw ConfigError("cannot read config " + name + ": " + e.what());
  }
}

}  // namespace kontalk::config
