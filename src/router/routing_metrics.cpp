#include "router/routing_metrics.hpp"

#include <string_view>

namespace kontalk::router {
namespace {

constexpr std::array<std::string_view, 4> kKindNames{"message", "presence", "iq", "other"};
constexpr std::array<std::string_view, 4> kDestinationNames{"local", "remote", "service",
                                                            "unroutable"};

}  // namespace

RoutingMetrics::RoutingMetrics(base::metrics::Registry& registry) {
  for (std::size_t kind = 0; kind < kKinds; ++kind) {
    const std::string kindName(kKindNames[kind]);
    for (std::size_t destination = 0; destination < kDestinations; ++destination) {
      routed_[kind][destination] = &registry.counter(
          "kontalk_stanzas_routed_total",
          "Stanzas the router routed, by kind and destination (local: this domain; remote: "
          "another server over s2s; service: a subdomain service; unroutable: bad address or no "
          "s2s).",
          {{"kind", kindName}, {"destination", std::string(kDestinationNames[destination])}});
    }
    delivered_[kind] =
        &registry.counter("kontalk_stanzas_delivered_total",
                          "Stanzas handed to a local session, by kind.", {{"kind", kindName}});
    undeliverable_[kind] = &registry.counter(
        "kontalk_stanzas_undeliverable_total",
        "Stanzas for an account without an available session, offered to offline storage.",
        {{"kind", kindName}});
    bounced_[kind] = &registry.counter("kontalk_stanzas_bounced_total",
                                       "Stanzas the router answered with an error, by kind.",
                                       {{"kind", kindName}});
  }
}

std::size_t RoutingMetrics::kindIndex(const xml::Element& stanza) {
  const std::string_view name = stanza.name();
  if (name == "message") return 0;
  if (name == "presence") return 1;
  if (name == "iq") return 2;
  return 3;
}

RoutingMetrics& routingMetrics() {
  static RoutingMetrics metrics(base::metrics::registry());
  return metrics;
}

}  // namespace kontalk::router
