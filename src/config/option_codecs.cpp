#include "config/option_codecs.hpp"

#include <cstdio>

namespace kontalk::config {

std::string quoteToml(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  return quoted + "\"";
}

std::string formatDouble(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::optional<std::string> NumberCodec::read(const Value& value, double& field) const {
  std::optional<double> number;
  if (const auto* integer = value.integer()) number = static_cast<double>(*integer);
  if (const auto* floating = value.floating()) number = *floating;
  if (!number || !std::isfinite(*number) || *number < min || *number > max) {
    return "must be a number from " + allowed();
  }
  field = *number;
  return std::nullopt;
}

std::optional<std::string> FlagCodec::read(const Value& value, bool& field) const {
  const auto* flag = value.boolean();
  if (flag == nullptr) return "must be true or false";
  field = *flag;
  return std::nullopt;
}

std::optional<std::string> TextCodec::read(const Value& value, std::string& field) const {
  const auto* text = value.string();
  if (text == nullptr) return "must be a string";
  field = *text;
  return std::nullopt;
}

std::optional<std::string> PathCodec::read(const Value& value, std::filesystem::path& field) const {
  const auto* text = value.string();
  if (text == nullptr) return "must be a string (a path)";
  field = *text;
  return std::nullopt;
}

std::optional<std::string> ChoiceCodec::read(const Value& value, std::string& field) const {
  if (const auto* text = value.string()) {
    for (const auto& choice : choices) {
      if (choice == *text) {
        field = *text;
        return std::nullopt;
      }
    }
  }
  return "must be " + allowed();
}

std::string ChoiceCodec::allowed() const {
  std::string text;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += i + 1 == choices.size() ? " or " : ", ";
    text += quoteToml(choices[i]);
  }
  return text;
}

std::optional<std::string> TextMapCodec::read(const Value& value,
                                              std::map<std::string, std::string>& field) const {
  const auto* table = value.table();
  if (table == nullptr) return "must be a table of strings";
  std::map<std::string, std::string> entries;
  for (const auto& [key, entry] : *table) {
    const auto* text = entry.string();
    if (text == nullptr) return "has \"" + key + "\" which must be a string";
    entries.emplace(key, *text);
  }
  field = std::move(entries);
  return std::nullopt;
}

std::string TextMapCodec::format(const std::map<std::string, std::string>& field) const {
  std::string text = "{";
  for (const auto& [key, entry] : field) {
    text += (text.size() > 1 ? ", " : " ") + quoteToml(key) + " = " + quoteToml(entry);
  }
  return text + (field.empty() ? "}" : " }");
}

ParsedCodec<std::string> httpUrlCodec() {
  return {"an http:// or https:// URL",
          [](std::string_view text) -> std::optional<std::string> {
            std::string url(text);
            if (!url.starts_with("http://") && !url.starts_with("https://")) return std::nullopt;
            while (url.ends_with('/')) url.pop_back();
            return url;
          },
          [](const std::string& url) { return url; }};
}

}  // namespace kontalk::config
