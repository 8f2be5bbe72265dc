#pragma once
// [modules.offline] (XEP-0160 offline messages, the delivery journal): options declared once
// (config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <algorithm>
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
  // One sender's share of an account's quota, in percent (issue 11 item 16): a quarter by
  // default, so that one sender cannot lock everybody else out.
  std::size_t senderSharePercent = 25;
  // ARCHITECTURE.md §6: acknowledge a message to its sender only once it is durable (Journal).
  bool durableDelivery = true;
  // The journal's bound on what is not durable yet; beyond it clients are not read from.
  std::size_t journalBacklogBytes = std::size_t{32} << 20;
  // Stored messages sent to a session before waiting for it to take them (OfflineDelivery).
  std::size_t deliveryWindowBytes = std::size_t{1} << 20;
  // Spec §7.9 (s2s.queue_ttl): a message for another server that has not taken it by then goes
  // back to its sender with remote-server-timeout. As offline expiry for the Kontalk network's
  // servers (a network peer is only ever down for a while); 300 s for the rest of the XMPP
  // world, like the stock servers the original ran on.
  std::chrono::seconds remoteQueueTtl{std::chrono::days(7)};
  std::chrono::seconds remoteQueueTtlOutsideNetwork{300};

  // The per-sender quota senderSharePercent gives: at least one message.
  std::size_t maxMessagesPerSender() const {
    return std::max<std::size_t>(1, maxMessagesPerUser * senderSharePercent / 100);
  }
};

const config::Section<OfflineSettings>& offlineOptions();

}  // namespace kontalk::modules::offline
