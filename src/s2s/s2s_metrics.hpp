#pragma once
// What the s2s layer counts (issue 13, /metrics): links by direction, and the stanzas outbound
// links hold: queued while their link is not ready yet, and sent but not yet acknowledged by the
// peer (recorded messages, spec §7.9). The remote queue's stored messages are the offline
// module's (kontalk_offline_messages{queue="remote"}).
// Threading: any thread.

#include "base/metrics.hpp"

namespace kontalk::s2s {

struct S2sMetrics {
  base::metrics::Gauge& inboundLinks;
  base::metrics::Gauge& outboundLinks;
  base::metrics::Gauge& queuedStanzas;
  base::metrics::Gauge& unacknowledgedMessages;
};

// The process's, on base::metrics::registry().
S2sMetrics& s2sMetrics();

}  // namespace kontalk::s2s
