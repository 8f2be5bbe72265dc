#pragma once
#include "core/config.hpp"

namespace kontalk::core {
// Sets up the process-wide spdlog logger: level, and a file or standard error. Lines carry a
// timestamp, level and thread id; components prefix their messages with their name.
void configureLogging(const LogSection& log);
}  // namespace kontalk::core
