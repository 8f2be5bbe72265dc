#include "modules/offline/journal_metrics.hpp"

namespace kontalk::modules::offline {
namespace {

constexpr const char* kStoredHelp =
    "Messages in storage, refreshed every few seconds: queue=local for this domain's accounts "
    "(offline mail and deliveries not yet acknowledged), queue=remote for other servers (spec "
    "§7.9).";

}  // namespace

JournalMetrics::JournalMetrics(const Journal& journal, base::metrics::Registry& registry)
    : storedLocal_(registry.gauge("kontalk_offline_messages", kStoredHelp, {{"queue", "local"}})),
      storedRemote_(
          registry.gauge("kontalk_offline_messages", kStoredHelp, {{"queue", "remote"}})) {
  using base::metrics::MetricType;
  const auto add = [&](const char* name, const char* help, MetricType type, auto read) {
    collections_.push_back(registry.collect(name, help, type, {}, [&journal, read] {
      return static_cast<double>(read(journal.counters()));
    }));
  };
  add("kontalk_journal_backlog_messages",
      "Records and removals the delivery journal holds that are not durable yet.",
      MetricType::Gauge, [](const Journal::Counters& c) { return c.backlogMessages; });
  add("kontalk_journal_backlog_bytes",
      "Bytes the journal's backlog counts against [modules.offline] journal_backlog_bytes.",
      MetricType::Gauge, [](const Journal::Counters& c) { return c.backlogBytes; });
  add("kontalk_journal_accepting",
      "1 while the journal accepts records; 0 while its backlog is full and clients are not "
      "read from (storage too slow or failing).",
      MetricType::Gauge, [](const Journal::Counters& c) { return c.accepting ? 1 : 0; });
  add("kontalk_journal_failed_commits_total", "Journal commits that storage refused.",
      MetricType::Counter, [](const Journal::Counters& c) { return c.failedCommits; });
  add("kontalk_journal_backpressure_episodes_total",
      "Times the journal's backlog reached its bound.", MetricType::Counter,
      [](const Journal::Counters& c) { return c.backpressureEpisodes; });
}

}  // namespace kontalk::modules::offline
