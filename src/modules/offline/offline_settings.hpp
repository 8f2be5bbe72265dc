#pragma once
// [modules.offline] (XEP-0160 offline messages, the delivery journal): options declared once
// (config/section.hpp).

#include <chrono>
#include <cstddef>

#include "config/section.hpp"

namespace kontalk::modules::offline {

struct OfflineSettings {
  // XEP-0160 leaves the quota to the server; a full queue answers resource-constraint (RFC 6121
  // §8.5.2.2 lets the server refuse to store).
  std::size_t maxMessagesPerUser = 1000;
  // Spec §0 and §8.2: the original deployment expired offline messages after 7 days.
  std::chrono::days expiry{7};
  // ARCHITECTURE.md §6: acknowledge a message to its sender only once it is durable (Journal).
  bool durableDelivery = true;
};

const config::Section<OfflineSettings>& offlineOptions();

}  // namespace kontalk::modules::offline
