#pragma once
// What the router counts (issue 13, /metrics): stanzas routed, by kind and where they went;
// handed to a local session; offered to offline storage; bounced with an error. Counters are
// resolved once, so counting a stanza is one relaxed atomic add (base/metrics.hpp).
// Threading: any thread.

#include <array>

#include "base/metrics.hpp"
#include "xml/element.hpp"

namespace kontalk::router {

enum class RouteDestination { Local, Remote, Service, Unroutable };

class RoutingMetrics {
 public:
  explicit RoutingMetrics(base::metrics::Registry& registry);

  void routed(const xml::Element& stanza, RouteDestination destination) {
    routed_[kindIndex(stanza)][static_cast<std::size_t>(destination)]->increment();
  }
  void delivered(const xml::Element& stanza) { delivered_[kindIndex(stanza)]->increment(); }
  void undeliverable(const xml::Element& stanza) { undeliverable_[kindIndex(stanza)]->increment(); }
  void bounced(const xml::Element& stanza) { bounced_[kindIndex(stanza)]->increment(); }

 private:
  static constexpr std::size_t kKinds = 4;  // message, presence, iq, other
  static constexpr std::size_t kDestinations = 4;
  static std::size_t kindIndex(const xml::Element& stanza);

  using PerKind = std::array<base::metrics::Counter*, kKinds>;
  std::array<std::array<base::metrics::Counter*, kDestinations>, kKinds> routed_{};
  PerKind delivered_{};
  PerKind undeliverable_{};
  PerKind bounced_{};
};

// The process's, on base::metrics::registry().
RoutingMetrics& routingMetrics();

}  // namespace kontalk::router
