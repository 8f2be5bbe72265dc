#pragma once
// The generator holds one descriptor per session: raise the soft RLIMIT_NOFILE to the hard limit.

#include <cstdint>

namespace kontalk::bench {

// Raises the soft open-file limit to the hard limit and returns the new soft limit.
std::uint64_t raiseOpenFileLimit();

}  // namespace kontalk::bench
