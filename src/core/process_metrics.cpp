#include "core/process_metrics.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace kontalk::core {
namespace {

// proc(5): fields 14 and 15 of /proc/self/stat are utime and stime in clock ticks. The second
// field (comm) may contain spaces and parentheses: fields are counted after its last ')'.
double cpuSeconds() {
  std::ifstream file("/proc/self/stat");
  const std::string stat{std::istreambuf_iterator<char>(file), {}};
  const auto end = stat.rfind(')');
  if (end == std::string::npos) return 0;
  std::istringstream fields(stat.substr(end + 1));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int index = 3; fields >> field; ++index) {  // the state is field 3
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// proc(5): the second field of /proc/self/statm is the resident set in pages.
double residentBytes() {
  std::ifstream file("/proc/self/statm");
  unsigned long long size = 0;
  unsigned long long resident = 0;
  if (!(file >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

double openDescriptors() {
  std::error_code error;
  std::size_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++count;
  }
  return static_cast<double>(count);
}

}  // namespace

ProcessMetrics::ProcessMetrics(base::metrics::Registry& registry) {
  using base::metrics::MetricType;
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  collections_.push_back(registry.collect("process_cpu_seconds_total",
                                          "Total user and system CPU time spent in seconds.",
                                          MetricType::Counter, {}, cpuSeconds));
  collections_.push_back(registry.collect("process_resident_memory_bytes",
                                          "Resident memory size in bytes.", MetricType::Gauge, {},
                                          residentBytes));
  collections_.push_back(registry.collect("process_open_fds", "Number of open file descriptors.",
                                          MetricType::Gauge, {}, openDescriptors));
  collections_.push_back(registry.collect("process_start_time_seconds",
                                          "Start time of the process since unix epoch in seconds.",
                                          MetricType::Gauge, {}, [started] { return started; }));
}

}  // namespace kontalk::core
