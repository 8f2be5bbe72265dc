#pragma once
// [modules.offline] settings, read once at start.

#include <chrono>
#include <cstddef>

#include "api/module.hpp"

namespace kontalk::modules::offline {

struct OfflineSettings {
  // Spec §8 (offline storage table) and XEP-0160 leave the quota to the server; a full queue
  // answers resource-constraint (RFC 6121 §8.5.2.2 lets the server refuse to store).
  std::size_t maxMessagesPerUser = 1000;
  // Spec §0 and §8.2: the original deployment expired offline messages after 7 days.
  std::chrono::seconds expiry = std::chrono::hours(24 * 7);
  // ARCHITECTURE.md §6: acknowledge a message to its sender only once it is durable (Journal).
  bool durableDelivery = true;
};

// Throws std::runtime_error on malformed values (start-up misconfiguration).
OfflineSettings readOfflineSettings(const api::ModuleHost& host);

}  // namespace kontalk::modules::offline
