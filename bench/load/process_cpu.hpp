#pragma once
// CPU time of a process (all its threads), for the s2s-throughput scenario: how much of its core
// each server and the generator itself used while measuring.

#include <sys/types.h>
#include <optional>

namespace kontalk::bench {

// User plus system CPU seconds of `pid` from /proc/PID/stat (proc(5): fields 14 and 15, in clock
// ticks); nullopt when the process is gone or the line is unreadable.
std::optional<double> cpuSeconds(pid_t pid);

}  // namespace kontalk::bench
