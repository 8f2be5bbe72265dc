#pragma once
// Threading: configureLogging() runs once at start-up on the main thread, before other threads
// exist; the logger it installs is then used from every thread (spdlog loggers are thread-safe).
#include "core/server_settings.hpp"

namespace kontalk::core {
// Sets up the process-wide spdlog logger: level, and a file or standard error. Lines carry a
// timestamp, level and thread id; components prefix their messages with their name.
void configureLogging(const LogSettings& log);
}  // namespace kontalk::core
