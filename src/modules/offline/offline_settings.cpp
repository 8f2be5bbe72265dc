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
      });
  return section;
}

}  // namespace kontalk::modules::offline
