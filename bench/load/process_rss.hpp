#pragma once
// Resident memory of another process, for the idle-density scenario.

#include <sys/types.h>
#include <cstdint>
#include <optional>

namespace kontalk::bench {

// VmRSS of `pid` in bytes from /proc/PID/status; nullopt when the process or field is missing.
std::optional<std::uint64_t> residentBytes(pid_t pid);

}  // namespace kontalk::bench
