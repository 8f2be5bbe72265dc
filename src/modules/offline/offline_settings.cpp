#include "modules/offline/offline_settings.hpp"

namespace kontalk::modules::offline {

const config::Section<OfflineSettings>& offlineOptions() {
  static const config::Section<OfflineSettings> section(
      "modules.offline",
      "Offline messages (XEP-0160) and the delivery journal (ARCHITECTURE.md §6): stored messages "
      "are delivered, with their delay stamp, at the account's next initial presence.",
      [](config::SectionBuilder<OfflineSettings>& option) {
        option.integer("max_messages_per_user", &OfflineSettings::maxMessagesPerUser,
                       std::size_t{1}, std::size_t{1'000'000},
                       "a message over this many stored for one account is refused with "
                       "resource-constraint (type wait)");
        option.integer("sender_share_percent", &OfflineSettings::senderSharePercent, std::size_t{1},
                       std::size_t{100},
                       "one sender may fill at most this share of an account's quota (at least "
                       "one message); a message over it is refused with resource-constraint "
                       "(type wait) while others still get through. 100: no per-sender limit");
        option.duration("expiry_days", &OfflineSettings::expiry, std::chrono::days(1),
                        std::chrono::days(3650),
                        "stored messages older than this are dropped (purged hourly; spec §0 and "
                        "§8.2, as the original deployment)");
        option.flag("durable_delivery", &OfflineSettings::durableDelivery,
                    "every message on its way to a local account is in the database before the "
                    "server acknowledges it to its sender (XEP-0198 <a/>), so that kill -9 loses "
                    "nothing. false acknowledges at once and keeps live deliveries in memory "
                    "only: faster acknowledgements, but a crash loses messages acknowledged to "
                    "senders and not yet to recipients. Offline stores are written either way");
        option.integer("journal_backlog_bytes", &OfflineSettings::journalBacklogBytes,
                       std::size_t{64} << 10, std::size_t{1} << 32,
                       "memory for messages not yet durable; when storage is slow or failing "
                       "and this is full, the server stops reading from clients (TCP pushes "
                       "back; nothing is dropped) until storage catches up");
        option.integer("delivery_window_bytes", &OfflineSettings::deliveryWindowBytes,
                       std::size_t{16} << 10, std::size_t{256} << 20,
                       "stored messages sent to a session before it has taken them (its "
                       "XEP-0198 acknowledgements, or its socket draining); keep it well below "
                       "[limits] max_outbound_queue_bytes. A larger message still goes alone");
        option.duration("remote_queue_ttl", &OfflineSettings::remoteQueueTtl,
                        std::chrono::seconds(1), std::chrono::seconds(std::chrono::days(3650)),
                        "a message for a user on another server of the Kontalk network is "
                        "kept (durably, retried with back-off) until that server takes it; "
                        "after this long it goes back to its sender with remote-server-timeout "
                        "(spec §7.9 s2s.queue_ttl)");
        option.duration("remote_queue_ttl_outside_network",
                        &OfflineSettings::remoteQueueTtlOutsideNetwork, std::chrono::seconds(1),
                        std::chrono::seconds(std::chrono::days(3650)),
                        "as remote_queue_ttl, for servers outside the Kontalk network (every "
                        "server when the network module is not enabled)");
      });
  return section;
}

}  // namespace kontalk::modules::offline
