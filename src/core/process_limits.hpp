#pragma once
// Process-wide resource limits the server adjusts at start.
// Threading: process-wide state: call once at start-up, on the main thread.
#include <cstdint>

namespace kontalk::core {
// Raises the soft limit on open files to the hard limit (every connection is a descriptor; the
// default soft limit of 1024 would cap the server far below what it can serve). Returns the
// resulting soft limit.
std::uint64_t raiseOpenFileLimit();
}  // namespace kontalk::core
