#include "process_rss.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace kontalk::bench {

std::optional<std::uint64_t> residentBytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    std::istringstream fields(line.substr(6));
    std::uint64_t kibibytes = 0;
    if (fields >> kibibytes) return kibibytes * 1024;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace kontalk::bench
