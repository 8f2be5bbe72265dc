#include "stream/c2s_metrics.hpp"

#include <string>

namespace kontalk::stream {

C2sMetrics::C2sMetrics(base::metrics::Registry& registry) : registry_(registry) {
  for (const auto kind : {TransportKind::Tcp, TransportKind::WebSocket}) {
    const std::string transport(transportName(kind));
    connections_[static_cast<std::size_t>(kind)] =
        &registry.gauge("kontalk_c2s_connections", "Open client connections, by transport.",
                        {{"transport", transport}});
    sessions_[static_cast<std::size_t>(kind)] =
        &registry.gauge("kontalk_c2s_sessions",
                        "Bound client sessions with a connection (bound or resumed), by transport.",
                        {{"transport", transport}});
  }
}

void C2sMetrics::countLogin(std::string_view mechanism, LoginResult result) {
  const char* outcome = result == LoginResult::Success   ? "success"
                        : result == LoginResult::Failure ? "failure"
                                                         : "temporary_failure";
  // A look-up under the registry's lock: once per login, not per stanza.
  registry_
      .counter("kontalk_c2s_logins_total",
               "SASL authentications, by mechanism and result (failure: the client's, e.g. "
               "not-authorized; temporary_failure: the server's, or throttled).",
               {{"mechanism", std::string(mechanism)}, {"result", outcome}})
      .increment();
}

C2sMetrics& c2sMetrics() {
  static C2sMetrics metrics(base::metrics::registry());
  return metrics;
}

}  // namespace kontalk::stream
