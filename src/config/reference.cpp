#include "config/reference.hpp"

namespace kontalk::config {
namespace {

// Markdown table cells must not contain a bare '|'.
std::string cell(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '|')
      escaped += "\\|";
    else
      escaped += c;
  }
  return escaped;
}

// Wraps `text` into "# "-prefixed comment lines of at most `width` characters.
std::string comment(const std::string& text, std::size_t width = 98) {
  std::string lines;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width - 2) {
      lines += "# " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) lines += "# " + line + "\n";
  return lines;
}

}  // namespace

std::string markdownReference(const std::vector<SectionReference>& sections) {
  std::string text;
  for (const auto& section : sections) {
    text += "## [" + section.name + "]\n" + section.doc + "\n\n";
    if (section.options.empty()) {
      text += "No settings.\n\n";
      continue;
    }
    text += "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
    for (const auto& option : section.options) {
      text += "| `" + option.key + "` | " + option.type + " | `" + cell(option.defaultValue) +
              "` | " + cell(option.allowed) + " | " + cell(option.doc) + " |\n";
    }
    text += "\n";
  }
  return text;
}

std::string exampleFile(const std::vector<SectionReference>& sections) {
  std::string text;
  for (const auto& section : sections) {
    if (!text.empty()) text += "\n";
    text += comment(section.doc);
    text += "[" + section.name + "]\n";
    for (const auto& option : section.options) {
      text += comment(option.doc + (option.allowed.empty() ? "" : " (" + option.allowed + ")"));
      text += option.key + " = " + option.defaultValue + "\n";
    }
  }
  return text;
}

}  // namespace kontalk::config
