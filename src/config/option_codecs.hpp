#pragma once
// How one option's TOML value becomes a field and back (config/section.hpp). A codec reads a
// Value into the field or says what was expected, formats a field as TOML for the reference, and
// names its type and allowed values for the reference.
// Threading: codecs are immutable values built with the option tables; their const methods may
// be called from any thread.

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/value.hpp"

namespace kontalk::config {

// TOML's basic string with the escapes TOML requires.
std::string quoteToml(std::string_view text);
std::string formatDouble(double value);

template <typename Int>
struct IntegerCodec {
  Int min;
  Int max;

  std::optional<std::string> read(const Value& value, Int& field) const {
    const auto* integer = value.integer();
    if (integer == nullptr || !inRange(*integer)) return "must be an integer from " + allowed();
    field = static_cast<Int>(*integer);
    return std::nullopt;
  }
  std::string typeName() const { return "integer"; }
  std::string format(const Int& field) const { return std::to_string(field); }
  std::string allowed() const { return std::to_string(min) + " to " + std::to_string(max); }

 private:
  bool inRange(std::int64_t value) const {
    // Compared in the wider type of the two so that no bound wraps.
    if constexpr (std::is_signed_v<Int>) {
      return value >= static_cast<std::int64_t>(min) && value <= static_cast<std::int64_t>(max);
    } else {
      return value >= 0 && static_cast<std::uint64_t>(value) >= min &&
             static_cast<std::uint64_t>(value) <= max;
    }
  }
};

// Whole seconds (or days, or any std::chrono unit), written as an integer count of that unit.
template <typename Duration>
struct DurationCodec {
  Duration min;
  Duration max;

  std::optional<std::string> read(const Value& value, Duration& field) const {
    const auto* count = value.integer();
    if (count == nullptr || *count < min.count() || *count > max.count()) {
      return "must be a whole number of " + unit() + " from " + allowed();
    }
    field = Duration(*count);
    return std::nullopt;
  }
  std::string typeName() const { return unit(); }
  std::string format(const Duration& field) const { return std::to_string(field.count()); }
  std::string allowed() const {
    return std::to_string(min.count()) + " to " + std::to_string(max.count());
  }

 private:
  static std::string unit() {
    if constexpr (std::is_same_v<Duration, std::chrono::days>) return "days";
    if constexpr (std::is_same_v<Duration, std::chrono::hours>) return "hours";
    if constexpr (std::is_same_v<Duration, std::chrono::minutes>) return "minutes";
    if constexpr (std::is_same_v<Duration, std::chrono::milliseconds>) return "milliseconds";
    return "seconds";
  }
};

// A float; an integer is as good (a rate of 200 is 200.0).
struct NumberCodec {
  double min;
  double max;

  std::optional<std::string> read(const Value& value, double& field) const;
  std::string typeName() const { return "number"; }
  std::string format(const double& field) const { return formatDouble(field); }
  std::string allowed() const { return formatDouble(min) + " to " + formatDouble(max); }
};

struct FlagCodec {
  std::optional<std::string> read(const Value& value, bool& field) const;
  std::string typeName() const { return "boolean"; }
  std::string format(const bool& field) const { return field ? "true" : "false"; }
  std::string allowed() const { return ""; }
};

struct TextCodec {
  std::optional<std::string> read(const Value& value, std::string& field) const;
  std::string typeName() const { return "string"; }
  std::string format(const std::string& field) const { return quoteToml(field); }
  std::string allowed() const { return ""; }
};

struct PathCodec {
  std::optional<std::string> read(const Value& value, std::filesystem::path& field) const;
  std::string typeName() const { return "path"; }
  std::string format(const std::filesystem::path& field) const { return quoteToml(field.string()); }
  std::string allowed() const { return ""; }
};

struct ChoiceCodec {
  std::vector<std::string> choices;

  std::optional<std::string> read(const Value& value, std::string& field) const;
  std::string typeName() const { return "string"; }
  std::string format(const std::string& field) const { return quoteToml(field); }
  std::string allowed() const;
};

template <typename Enum>
struct EnumCodec {
  std::vector<std::pair<std::string, Enum>> choices;

  std::optional<std::string> read(const Value& value, Enum& field) const {
    if (const auto* text = value.string()) {
      for (const auto& [name, choice] : choices) {
        if (name == *text) {
          field = choice;
          return std::nullopt;
        }
      }
    }
    return "must be " + allowed();
  }
  std::string typeName() const { return "string"; }
  std::string format(const Enum& field) const {
    for (const auto& [name, choice] : choices) {
      if (choice == field) return quoteToml(name);
    }
    return "\"\"";
  }
  std::string allowed() const {
    std::vector<std::string> names;
    for (const auto& choice : choices) names.push_back(choice.first);
    return ChoiceCodec{names}.allowed();
  }
};

// A string in a syntax of its own ("3/30", "host:port").
template <typename T>
struct ParsedCodec {
  std::string syntax;  // what the reader is told to write, e.g. "\"ATTEMPTS/SECONDS\" or \"off\""
  std::function<std::optional<T>(std::string_view)> parse;
  std::function<std::string(const T&)> print;

  std::optional<std::string> read(const Value& value, T& field) const {
    const auto* text = value.string();
    std::optional<T> parsed = text != nullptr ? parse(*text) : std::nullopt;
    if (!parsed) return "must be " + syntax + (text != nullptr ? ", not \"" + *text + "\"" : "");
    field = std::move(*parsed);
    return std::nullopt;
  }
  std::string typeName() const { return "string"; }
  std::string format(const T& field) const { return quoteToml(print(field)); }
  std::string allowed() const { return syntax; }
};

// An http:// or https:// base URL; trailing '/' dropped (callers append paths to it).
ParsedCodec<std::string> httpUrlCodec();

template <typename ItemCodec>
struct ListCodec {
  ItemCodec item;

  template <typename T>
  std::optional<std::string> read(const Value& value, std::vector<T>& field) const {
    const auto* array = value.array();
    if (array == nullptr) return "must be an array";
    std::vector<T> items;
    for (const Value& element : *array) {
      T parsed{};
      if (auto problem = item.read(element, parsed)) return "has an element that " + *problem;
      items.push_back(std::move(parsed));
    }
    field = std::move(items);
    return std::nullopt;
  }
  std::string typeName() const { return "array of " + item.typeName(); }
  template <typename T>
  std::string format(const std::vector<T>& field) const {
    std::string text = "[";
    for (const T& element : field) text += (text.size() > 1 ? ", " : "") + item.format(element);
    return text + "]";
  }
  std::string allowed() const { return item.allowed(); }
};

// An array of tables (`[[section.key]]`, or `key = [{ ... }, ...]`): each element a table read
// into one T by `readItem`, which names what is wrong (nullopt: fine).
template <typename T>
struct TableListCodec {
  std::string syntax;  // the keys of each table, for the reference, e.g. "{ domain, fingerprint }"
  std::function<std::optional<std::string>(const Value::Table&, T&)> readItem;
  std::function<std::string(const T&)> print;  // one element as an inline table

  std::optional<std::string> read(const Value& value, std::vector<T>& field) const {
    const auto* array = value.array();
    if (array == nullptr) return "must be an array of tables " + syntax;
    std::vector<T> items;
    for (const Value& element : *array) {
      const auto* table = element.table();
      if (table == nullptr) return "must be an array of tables " + syntax;
      T parsed{};
      if (auto problem = readItem(*table, parsed)) {
        return "has an element (line " + std::to_string(element.line) + ") that " + *problem;
      }
      items.push_back(std::move(parsed));
    }
    field = std::move(items);
    return std::nullopt;
  }
  std::string typeName() const { return "array of tables"; }
  std::string format(const std::vector<T>& field) const {
    std::string text = "[";
    for (const T& element : field) text += (text.size() > 1 ? ", " : "") + print(element);
    return text + "]";
  }
  std::string allowed() const { return syntax; }
};

struct TextMapCodec {
  std::optional<std::string> read(const Value& value,
                                  std::map<std::string, std::string>& field) const;
  std::string typeName() const { return "table of strings"; }
  std::string format(const std::map<std::string, std::string>& field) const;
  std::string allowed() const { return ""; }
};

}  // namespace kontalk::config
