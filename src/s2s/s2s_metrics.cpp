#include "s2s/s2s_metrics.hpp"

namespace kontalk::s2s {

S2sMetrics& s2sMetrics() {
  auto& registry = base::metrics::registry();
  constexpr const char* kLinksHelp =
      "Server-to-server links (outbound: connecting or open, one per remote domain).";
  static S2sMetrics metrics{
      registry.gauge("kontalk_s2s_links", kLinksHelp, {{"direction", "inbound"}}),
      registry.gauge("kontalk_s2s_links", kLinksHelp, {{"direction", "outbound"}}),
      registry.gauge("kontalk_s2s_queued_stanzas",
                     "Stanzas outbound links hold until their link is authenticated."),
      registry.gauge("kontalk_s2s_unacknowledged_messages",
                     "Recorded messages sent on outbound links that the peer has not "
                     "acknowledged yet.")};
  return metrics;
}

}  // namespace kontalk::s2s
