#pragma once
// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): what
// GET /metrics answers. Each family gets "# HELP" and "# TYPE" lines, then its samples; a
// histogram's are NAME_bucket{le="..."} (cumulative, ending with le="+Inf"), NAME_sum and
// NAME_count. Label values escape '\\', '"' and newlines; help text '\\' and newlines.
// Threading: pure functions; any thread.

#include <string>
#include <string_view>
#include <vector>

#include "base/metrics.hpp"

namespace kontalk::base::metrics {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string formatPrometheusText(const std::vector<Family>& families);

}  // namespace kontalk::base::metrics
