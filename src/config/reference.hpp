#pragma once
// The configuration reference, generated from the declared options (config/section.hpp): the
// tables of docs/configuration.md and the whole of config/kontalkd.example.toml come from here
// (`kontalkd --config-reference` / `--example-config`; a test fails when the files differ).
// Threading: pure functions over the read-only option tables; any thread.

#include <string>
#include <vector>

#include "config/section.hpp"

namespace kontalk::config {

// One "## [name]" section per entry: its description and a table of key, type, default,
// allowed values and meaning.
std::string markdownReference(const std::vector<SectionReference>& sections);
// A TOML file that sets every key to its default, each with its meaning as a comment.
std::string exampleFile(const std::vector<SectionReference>& sections);

}  // namespace kontalk::config
