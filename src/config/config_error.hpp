#pragma once
// A configuration the server cannot start with. Thrown only while loading and validating the
// configuration at start-up (ARCHITECTURE.md §10: exceptions are for start-up misconfiguration);
// the message names the file, the line when known, the section and the key.
// Threading: a plain exception type, thrown while the configuration is loaded on the main thread.

#include <stdexcept>
#include <string>

namespace kontalk::config {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "FILE:LINE: [section] key problem" (without ":LINE" when line is 0, without key when empty).
[[noreturn]] void throwConfigError(const std::string& file, int line, const std::string& section,
                                   const std::string& key, const std::string& problem);

}  // namespace kontalk::config
