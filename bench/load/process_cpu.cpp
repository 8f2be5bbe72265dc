#include "process_cpu.hpp"

#include <unistd.h>
#include <fstream>
#include <sstream>
#include <string>

namespace kontalk::bench {

std::optional<double> cpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // Field 2, the command name, is in parentheses and may contain spaces: count from after it.
  const auto nameEnd = line.rfind(')');
  if (nameEnd == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(nameEnd + 1));
  std::string skipped;
  for (int field = 3; field <= 13; ++field) fields >> skipped;  // state .. cmajflt
  unsigned long long userTicks = 0;
  unsigned long long systemTicks = 0;
  if (!(fields >> userTicks >> systemTicks)) return std::nullopt;
  return static_cast<double>(userTicks + systemTicks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace kontalk::bench
