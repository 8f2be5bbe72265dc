#pragma once
// Reading TOML (toml11, kept private to this file's implementation) into config::Document.
// Threading: pure functions; any thread (the server loads its configuration on the main thread).

#include <filesystem>
#include <string>

#include "config/value.hpp"

namespace kontalk::config {

// Throws ConfigError naming the file (and the line of a syntax error).
Document loadDocument(const std::filesystem::path& file);
// The same from text; `name` stands for the file in messages (tests, embedded defaults).
Document parseDocument(const std::string& text, const std::string& name);

}  // namespace kontalk::config
