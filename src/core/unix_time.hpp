#pragma once
// Unix time in whole seconds: how storage rows and protocol timestamps count time.
#include <chrono>
#include <cstdint>

namespace kontalk::core {

inline std::int64_t unixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

inline std::int64_t unixNow() {
  return unixSeconds(std::chrono::system_clock::now());
}

}  // namespace kontalk::core
