#pragma once
// Unix time in whole seconds: how storage rows and protocol timestamps count time.
// Threading: pure functions over values; any thread.
#include <chrono>
#include <cstdint>

namespace kontalk::base {

inline std::int64_t unixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point fromUnixSeconds(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

inline std::int64_t unixNow() {
  return unixSeconds(std::chrono::system_clock::now());
}

}  // namespace kontalk::base
