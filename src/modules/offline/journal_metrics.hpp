#pragma once
// The delivery journal and the offline queue on /metrics (issue 13): the journal's backlog (what
// is not durable yet), whether it accepts, failed commits and backpressure episodes, read from
// Journal::counters() at each scrape; and how many messages are stored for local accounts and in
// the remote queue, which a storage count refreshes (setStored) every few seconds on a worker,
// so that a scrape never waits for storage. The commit latency histogram is the journal's own.
// Threading: construct and destroy where the module starts and stops; setStored from any
// thread; the collectors run on the scraping thread.

#include <vector>

#include "base/metrics.hpp"
#include "modules/offline/journal.hpp"
#include "storage/offline_store.hpp"

namespace kontalk::modules::offline {

class JournalMetrics {
 public:
  // `journal` must outlive this.
  JournalMetrics(const Journal& journal, base::metrics::Registry& registry);

  void setStored(const storage::StoredCounts& counts) {
    storedLocal_.set(counts.local);
    storedRemote_.set(counts.remote);
  }

 private:
  base::metrics::Gauge& storedLocal_;
  base::metrics::Gauge& storedRemote_;
  std::vector<base::metrics::Collection> collections_;
};

}  // namespace kontalk::modules::offline
