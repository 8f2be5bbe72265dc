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

std::vector<double> busySecondsPerCpu() {
  std::ifstream stat("/proc/stat");
  std::vector<double> busy;
  std::string line;
  while (std::getline(stat, line)) {
    // "cpuN user nice system idle iowait irq softirq steal ..."; "cpu " is the sum of all.
    if (!line.starts_with("cpu") || line.size() < 4 || line[3] == ' ') continue;
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    unsigned long long total = 0;
    unsigned long long idle = 0;
    unsigned long long value = 0;
    for (int column = 0; column < 8 && fields >> value; ++column) {
      total += value;
      if (column == 3 || column == 4) idle += value;  // idle, iowait
    }
    busy.push_back(static_cast<double>(total - idle) / static_cast<double>(sysconf(_SC_CLK_TCK)));
  }
  return busy;
}

}  // namespace kontalk::bench
