#pragma once
// The server's metrics (issue 13): counters, gauges and histograms with fixed buckets, kept in a
// registry that the metrics endpoint reads (base/prometheus_text.hpp writes it out). A component
// asks the registry for its metrics once (at start, or in a function-local static) and keeps the
// reference; updating one afterwards takes no lock and allocates nothing:
//   - a Counter is split into cells padded to a cache line, each thread adding to its own
//     (relaxed atomics): shards counting stanzas never write to the same line; a scrape sums;
//   - a Gauge is one relaxed atomic (things that come and go: sessions, links);
//   - a Histogram is an atomic per bucket (for rarer events: a commit, not a stanza);
//   - a value only its owner can compute (a journal's backlog, the process's RSS) is a
//     collector: a function the scrape calls, registered for as long as its Collection lives.
//
// The same name and labels give the same metric (a module started twice in one process counts
// on); one name keeps one type and help. A name or label that breaks the Prometheus rules, or a
// second type for a name, is a programming error (std::logic_error).
//
// Threading: everything here may be called from any thread. Metric references stay valid for
// the registry's life (the process's registry lives until exit). A collector runs on the
// scraping thread (an HTTP worker) and must not block for long.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kontalk::base::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { Counter, Gauge, Histogram };

class Counter {
 public:
  void increment(std::uint64_t by = 1) noexcept {
    cells_[cellIndex()].value.fetch_add(by, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept;

 private:
  static constexpr std::size_t kCells = 16;
  struct alignas(64) Cell {
    std::atomic<std::uint64_t> value{0};
  };
  static std::size_t cellIndex() noexcept;
  std::array<Cell, kCells> cells_{};
};

class Gauge {
 public:
  void add(std::int64_t delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  void set(std::int64_t value) noexcept { value_.store(value, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Counts one thing while it lives (a session, a connection): +1 now, -1 when it goes. Move-only;
// an empty one counts nothing.
class GaugeHold {
 public:
  GaugeHold() = default;
  explicit GaugeHold(Gauge& gauge) : gauge_(&gauge) { gauge.add(1); }
  GaugeHold(GaugeHold&& other) noexcept : gauge_(std::exchange(other.gauge_, nullptr)) {}
  GaugeHold& operator=(GaugeHold&& other) noexcept {
    if (this != &other) {
      release();
      gauge_ = std::exchange(other.gauge_, nullptr);
    }
    return *this;
  }
  ~GaugeHold() { release(); }
  void release() noexcept {
    if (gauge_ != nullptr) std::exchange(gauge_, nullptr)->add(-1);
  }

 private:
  Gauge* gauge_ = nullptr;
};

// One owner's part of a gauge (a link's queued stanzas among all links'): set() moves the gauge
// by the change; destruction takes the part back out. Move-only; used by one thread at a time.
class GaugeShare {
 public:
  explicit GaugeShare(Gauge& gauge) : gauge_(&gauge) {}
  GaugeShare(const GaugeShare&) = delete;
  GaugeShare& operator=(const GaugeShare&) = delete;
  ~GaugeShare() { gauge_->add(-part_); }
  void set(std::int64_t part) noexcept {
    gauge_->add(part - part_);
    part_ = part;
  }

 private:
  Gauge* gauge_;
  std::int64_t part_ = 0;
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending (the +Inf bucket is implicit).
  explicit Histogram(std::vector<double> bounds);
  void observe(double value) noexcept;

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (= count)
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

// Ascending bucket bounds for durations in seconds: 0.5 ms to 10 s.
std::vector<double> latencyBuckets();

struct Sample {
  Labels labels;
  double value = 0;
  std::optional<Histogram::Snapshot> histogram;  // for MetricType::Histogram
};

struct Family {
  std::string name;
  std::string help;
  MetricType type = MetricType::Counter;
  std::vector<Sample> samples;
};

class Registry;

// Keeps a collector registered; destroying it (or reset()) removes it, after which the
// collector is not called again (a scrape running it meanwhile finishes first).
class Collection {
 public:
  Collection() = default;
  Collection(Collection&& other) noexcept
      : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}
  Collection& operator=(Collection&& other) noexcept;
  ~Collection() { reset(); }
  void reset();

 private:
  friend class Registry;
  Collection(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // The same name and labels again must come with the same bounds.
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       const Labels& labels = {});
  // A counter or gauge computed at each scrape by `read`. Two collectors of one name and labels
  // add up (two servers in one test process).
  [[nodiscard]] Collection collect(std::string_view name, std::string_view help, MetricType type,
                                   const Labels& labels, std::function<double()> read);

  // Every family, sorted by name, its samples by labels.
  std::vector<Family> snapshot() const;

 private:
  friend class Collection;
  struct Collector {
    std::uint64_t id;
    std::string name;
    Labels labels;
    std::function<double()> read;
  };
  struct Entry {
    std::string help;
    MetricType type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  // With mutex_ held: the family `name`, created if new; throws when the type differs.
  Entry& family(std::string_view name, std::string_view help, MetricType type,
                const Labels& labels);
  void remove(std::uint64_t id);

  mutable std::mutex mutex_;  // registration and snapshots, never updates
  std::map<std::string, Entry, std::less<>> families_;
  // Collectors run outside mutex_ (one may take its owner's lock); collectMutex_ keeps
  // remove() from returning while one runs.
  mutable std::mutex collectMutex_;
  std::list<Collector> collectors_;
  std::uint64_t nextCollector_ = 1;
};

// The process's registry, read by the metrics endpoint.
Registry& registry();

}  // namespace kontalk::base::metrics
