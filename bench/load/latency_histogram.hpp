#pragma once
// Delivery latencies of the latency scenario. Keeps every sample (a 20 s run at 2,000 msg/s is
// 40,000 of them) so that the percentiles are exact rather than bucketed.

#include <cstdint>
#include <vector>

namespace kontalk::bench {

struct LatencySummary {
  std::uint64_t count = 0;
  double p50Ms = 0;
  double p99Ms = 0;
  double p999Ms = 0;
  double maxMs = 0;
};

class LatencyHistogram {
 public:
  void record(std::int64_t nanoseconds) { samples_.push_back(nanoseconds); }
  std::uint64_t count() const { return samples_.size(); }
  // Nearest-rank percentiles; all zero without samples. Reorders the samples.
  LatencySummary summarize();

 private:
  std::vector<std::int64_t> samples_;
};

}  // namespace kontalk::bench
