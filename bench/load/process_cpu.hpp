#pragma once
// CPU time of a process (all its threads) and of each CPU, for the s2s-throughput scenario: how
// much of its core each server and the generator itself used while measuring, and how busy each
// CPU was in all (other processes on the machine compete for the pinned cores too).

#include <sys/types.h>
#include <optional>
#include <vector>

namespace kontalk::bench {

// User plus system CPU seconds of `pid` from /proc/PID/stat (proc(5): fields 14 and 15, in clock
// ticks); nullopt when the process is gone or the line is unreadable.
std::optional<double> cpuSeconds(pid_t pid);

// Busy (not idle, not waiting for I/O) seconds of every CPU since boot, from the cpuN lines of
// /proc/stat (proc(5)), indexed by N; empty when unreadable.
std::vector<double> busySecondsPerCpu();

}  // namespace kontalk::bench
