#include "base/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace kontalk::base::metrics {
namespace {

const Family* find(const std::vector<Family>& families, std::string_view name) {
  for (const auto& family : families) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

TEST(MetricsTest, CounterSumsIncrementsFromManyThreads) {
  Registry registry;
  auto& counter = registry.counter("test_events_total", "events");
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 1000; ++i) counter.increment();
    });
  }
  for (auto& thread : threads) thread.join();
  counter.increment(5);
  EXPECT_EQ(counter.value(), 20'005u);
}

TEST(MetricsTest, SameNameAndLabelsGiveTheSameMetric) {
  Registry registry;
  auto& first = registry.counter("test_total", "help", {{"kind", "a"}});
  auto& again = registry.counter("test_total", "help", {{"kind", "a"}});
  auto& other = registry.counter("test_total", "help", {{"kind", "b"}});
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &other);
}

TEST(MetricsTest, RefusesBadNamesAndASecondType) {
  Registry registry;
  EXPECT_THROW(registry.counter("1bad", "help"), std::logic_error);
  EXPECT_THROW(registry.counter("bad-name", "help"), std::logic_error);
  EXPECT_THROW(registry.counter("ok_total", "help", {{"bad-label", "x"}}), std::logic_error);
  EXPECT_THROW(registry.counter("ok_total", "help", {{"le", "x"}}), std::logic_error);
  registry.counter("ok_total", "help");
  EXPECT_THROW(registry.gauge("ok_total", "help"), std::logic_error);
  EXPECT_THROW(registry.histogram("h_seconds", "help", {2, 1}), std::logic_error);
}

TEST(MetricsTest, GaugeHoldCountsWhileItLives) {
  Registry registry;
  auto& gauge = registry.gauge("test_sessions", "sessions");
  {
    GaugeHold first(gauge);
    GaugeHold second(gauge);
    EXPECT_EQ(gauge.value(), 2);
    GaugeHold moved = std::move(first);
    EXPECT_EQ(gauge.value(), 2);
    second.release();
    EXPECT_EQ(gauge.value(), 1);
  }
  EXPECT_EQ(gauge.value(), 0);
}

TEST(MetricsTest, GaugeSharesAddUpAndLeaveWithTheirOwner) {
  Registry registry;
  auto& gauge = registry.gauge("test_queued", "queued");
  GaugeShare first(gauge);
  {
    GaugeShare second(gauge);
    first.set(3);
    second.set(5);
    EXPECT_EQ(gauge.value(), 8);
    second.set(1);
    EXPECT_EQ(gauge.value(), 4);
  }
  EXPECT_EQ(gauge.value(), 3);
}

TEST(MetricsTest, HistogramCountsIntoCumulativeBuckets) {
  Registry registry;
  auto& histogram = registry.histogram("test_seconds", "latency", {0.1, 1});
  histogram.observe(0.05);
  histogram.observe(0.1);  // a bound is inclusive (le)
  histogram.observe(0.5);
  histogram.observe(7);
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{2, 3, 4}));
  EXPECT_DOUBLE_EQ(snapshot.sum, 7.65);
}

TEST(MetricsTest, CollectorsAreReadAtSnapshotUntilTheirCollectionGoes) {
  Registry registry;
  double backlog = 3;
  auto collection = registry.collect("test_backlog", "backlog", MetricType::Gauge, {{"queue", "q"}},
                                     [&backlog] { return backlog; });
  auto second = registry.collect("test_backlog", "backlog", MetricType::Gauge, {{"queue", "q"}},
                                 [] { return 1.0; });
  backlog = 4;
  auto families = registry.snapshot();
  const auto* family = find(families, "test_backlog");
  ASSERT_NE(family, nullptr);
  ASSERT_EQ(family->samples.size(), 1u);
  EXPECT_EQ(family->samples[0].value, 5);  // two collectors of one sample add up
  collection.reset();
  second.reset();
  families = registry.snapshot();
  EXPECT_TRUE(find(families, "test_backlog")->samples.empty());
}

TEST(MetricsTest, SnapshotSortsFamiliesAndSamples) {
  Registry registry;
  registry.counter("b_total", "b", {{"kind", "z"}}).increment();
  registry.counter("b_total", "b", {{"kind", "a"}}).increment(2);
  registry.gauge("a_gauge", "a").set(-3);
  const auto families = registry.snapshot();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "a_gauge");
  EXPECT_EQ(families[0].samples[0].value, -3);
  EXPECT_EQ(families[1].samples[0].labels, (Labels{{"kind", "a"}}));
  EXPECT_EQ(families[1].samples[0].value, 2);
}

}  // namespace
}  // namespace kontalk::base::metrics
