#include "base/metrics.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace kontalk::base::metrics {
namespace {

// https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels
bool isMetricName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  });
}

bool isLabelName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  // Names starting with "__" are Prometheus's own; "le" is the histogram's bucket label.
  if (name.starts_with("__") || name == "le") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

void checkLabels(std::string_view name, const Labels& labels) {
  for (const auto& [label, value] : labels) {
    if (!isLabelName(label)) {
      throw std::logic_error("metric " + std::string(name) + ": invalid label name " + label);
    }
  }
}

}  // namespace

std::uint64_t Counter::value() const noexcept {
  std::uint64_t total = 0;
  for (const auto& cell : cells_) total += cell.value.load(std::memory_order_relaxed);
  return total;
}

std::size_t Counter::cellIndex() noexcept {
  // Threads take cells in turn: with fewer threads than cells (shards, workers) each writes its
  // own cache line.
  static std::atomic<std::size_t> nextThread{0};
  thread_local const std::size_t index =
      nextThread.fetch_add(1, std::memory_order_relaxed) % kCells;
  return index;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::logic_error("histogram bounds must ascend");
  }
}

void Histogram::observe(double value) noexcept {
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot{bounds_, {}, sum_.load(std::memory_order_relaxed)};
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  return snapshot;
}

std::vector<double> latencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Collection& Collection::operator=(Collection&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

void Collection::reset() {
  if (registry_ != nullptr) std::exchange(registry_, nullptr)->remove(id_);
}

Registry::Entry& Registry::family(std::string_view name, std::string_view help, MetricType type,
                                  const Labels& labels) {
  if (!isMetricName(name)) throw std::logic_error("invalid metric name " + std::string(name));
  checkLabels(name, labels);
  auto found = families_.find(name);
  if (found == families_.end()) {
    found = families_.emplace(std::string(name), Entry{std::string(help), type, {}, {}, {}}).first;
  } else if (found->second.type != type) {
    throw std::logic_error("metric " + std::string(name) + " registered with two types");
  }
  return found->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, MetricType::Counter, labels).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, MetricType::Gauge, labels).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, MetricType::Histogram, labels).histograms[labels];
  if (!slot) {
    slot = std::make_unique<Histogram>(std::move(bounds));
  } else if (slot->snapshot().bounds != bounds) {
    throw std::logic_error("histogram " + std::string(name) + " registered with two bucket sets");
  }
  return *slot;
}

Collection Registry::collect(std::string_view name, std::string_view help, MetricType type,
                             const Labels& labels, std::function<double()> read) {
  if (type == MetricType::Histogram) throw std::logic_error("a collector reads one value");
  {
    std::lock_guard lock(mutex_);
    family(name, help, type, labels);
  }
  std::lock_guard lock(collectMutex_);
  const auto id = nextCollector_++;
  collectors_.push_back(Collector{id, std::string(name), labels, std::move(read)});
  return Collection(this, id);
}

void Registry::remove(std::uint64_t id) {
  std::lock_guard lock(collectMutex_);
  collectors_.remove_if([id](const Collector& collector) { return collector.id == id; });
}

std::vector<Family> Registry::snapshot() const {
  std::map<std::string, Family> families;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, entry] : families_) {
      auto& family = families[name];
      family.name = name;
      family.help = entry.help;
      family.type = entry.type;
      for (const auto& [labels, counter] : entry.counters) {
        family.samples.push_back({labels, static_cast<double>(counter->value()), {}});
      }
      for (const auto& [labels, gauge] : entry.gauges) {
        family.samples.push_back({labels, static_cast<double>(gauge->value()), {}});
      }
      for (const auto& [labels, histogram] : entry.histograms) {
        family.samples.push_back({labels, 0, histogram->snapshot()});
      }
    }
  }
  {
    std::lock_guard lock(collectMutex_);
    for (const auto& collector : collectors_) {
      const double value = collector.read();
      auto& samples = families[collector.name].samples;
      auto same = std::find_if(samples.begin(), samples.end(), [&](const Sample& sample) {
        return sample.labels == collector.labels;
      });
      if (same == samples.end()) {
        samples.push_back({collector.labels, value, {}});
      } else {
        same->value += value;
      }
    }
  }
  std::vector<Family> sorted;
  for (auto& [name, family] : families) {
    std::sort(family.samples.begin(), family.samples.end(),
              [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
    sorted.push_back(std::move(family));
  }
  return sorted;
}

Registry& registry() {
  static Registry process;
  return process;
}

}  // namespace kontalk::base::metrics
