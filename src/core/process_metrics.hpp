#pragma once
// The process on /metrics (issue 13), under the names Prometheus's client libraries use:
// process_cpu_seconds_total (user + system, /proc/self/stat), process_resident_memory_bytes
// (/proc/self/statm), process_open_fds, process_start_time_seconds. Read at each scrape.
// Threading: construct and destroy on the main thread; the collectors run on the scraping
// thread.

#include <vector>

#include "base/metrics.hpp"

namespace kontalk::core {

class ProcessMetrics {
 public:
  explicit ProcessMetrics(base::metrics::Registry& registry);

 private:
  std::vector<base::metrics::Collection> collections_;
};

}  // namespace kontalk::core
