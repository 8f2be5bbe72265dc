#include "latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace kontalk::bench {
namespace {

constexpr double kNanosecondsPerMillisecond = 1e6;

// Nearest-rank percentile: the smallest sample with at least `fraction` of samples at or below it.
std::int64_t percentile(std::vector<std::int64_t>& samples, double fraction) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
  const std::size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                   samples.end());
  return samples[index];
}

}  // namespace

LatencySummary LatencyHistogram::summarize() {
  LatencySummary summary;
  summary.count = samples_.size();
  if (samples_.empty()) return summary;
  summary.p50Ms = static_cast<double>(percentile(samples_, 0.50)) / kNanosecondsPerMillisecond;
  summary.p99Ms = static_cast<double>(percentile(samples_, 0.99)) / kNanosecondsPerMillisecond;
  summary.p999Ms = static_cast<double>(percentile(samples_, 0.999)) / kNanosecondsPerMillisecond;
  summary.maxMs = static_cast<double>(*std::max_element(samples_.begin(), samples_.end())) /
                  kNanosecondsPerMillisecond;
  return summary;
}

}  // namespace kontalk::bench
