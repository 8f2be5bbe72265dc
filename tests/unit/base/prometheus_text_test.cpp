#include "base/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace kontalk::base::metrics {
namespace {

TEST(PrometheusTextTest, WritesHelpTypeAndSamples) {
  Registry registry;
  registry.counter("kontalk_test_total", "Things.", {{"kind", "message"}}).increment(3);
  registry.gauge("kontalk_level", "A level.").set(-2);
  EXPECT_EQ(formatPrometheusText(registry.snapshot()),
            "# HELP kontalk_level A level.\n"
            "# TYPE kontalk_level gauge\n"
            "kontalk_level -2\n"
            "# HELP kontalk_test_total Things.\n"
            "# TYPE kontalk_test_total counter\n"
            "kontalk_test_total{kind=\"message\"} 3\n");
}

TEST(PrometheusTextTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.counter("t_total", "back\\slash\nnewline \"quotes\"", {{"v", "a\\b\"c\nd"}});
  EXPECT_EQ(formatPrometheusText(registry.snapshot()),
            "# HELP t_total back\\\\slash\\nnewline \"quotes\"\n"
            "# TYPE t_total counter\n"
            "t_total{v=\"a\\\\b\\\"c\\nd\"} 0\n");
}

TEST(PrometheusTextTest, WritesHistogramBucketsSumAndCount) {
  Registry registry;
  auto& histogram = registry.histogram("commit_seconds", "Commits.", {0.005, 0.5}, {{"q", "x"}});
  histogram.observe(0.00390625);  // powers of two: the sum is exact
  histogram.observe(0.25);
  histogram.observe(2);
  EXPECT_EQ(formatPrometheusText(registry.snapshot()),
            "# HELP commit_seconds Commits.\n"
            "# TYPE commit_seconds histogram\n"
            "commit_seconds_bucket{q=\"x\",le=\"0.005\"} 1\n"
            "commit_seconds_bucket{q=\"x\",le=\"0.5\"} 2\n"
            "commit_seconds_bucket{q=\"x\",le=\"+Inf\"} 3\n"
            "commit_seconds_sum{q=\"x\"} 2.25390625\n"
            "commit_seconds_count{q=\"x\"} 3\n");
}

TEST(PrometheusTextTest, WritesSpecialAndFractionalNumbers) {
  Registry registry;
  auto a = registry.collect("a", "", MetricType::Gauge, {}, [] { return 0.1; });
  auto b = registry.collect("b", "", MetricType::Gauge, {},
                            [] { return std::numeric_limits<double>::infinity(); });
  auto c = registry.collect("c", "", MetricType::Gauge, {}, [] { return 12345678901.0; });
  auto d = registry.collect("d", "", MetricType::Gauge, {}, [] { return 0.0005; });
  auto e = registry.collect("e", "", MetricType::Gauge, {}, [] { return 2e20; });
  const auto text = formatPrometheusText(registry.snapshot());
  EXPECT_NE(text.find("\na 0.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nb +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nc 12345678901\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nd 0.0005\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ne 2e+20\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace kontalk::base::metrics
