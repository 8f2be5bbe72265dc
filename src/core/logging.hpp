#pragma once
#include "core/server_settings.hpp"

namespace kontalk::core {
// Sets up the process-wide spdlog logger: level, and a file or standard error. Lines carry a
// timestamp, level and thread id; components prefix their messages with their name.
void configureLogging(const LogSettings& log);
}  // namespace kontalk::core
