#include "xmpp/datetime.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace kontalk::xmpp {

std::string formatDateTime(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)), millis);
}

}  // namespace kontalk::xmpp
