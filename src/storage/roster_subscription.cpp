#include "storage/roster_subscription.hpp"

namespace kontalk::storage {

std::string_view subscriptionName(const RosterItem& item) {
  if (item.subscriptionTo && item.subscriptionFrom) return "both";
  if (item.subscriptionTo) return "to";
  if (item.subscriptionFrom) return "from";
  return "none";
}

void readSubscription(std::string_view name, RosterItem& item) {
  item.subscriptionTo = name == "to" || name == "both";
  item.subscriptionFrom = name == "from" || name == "both";
}

}  // namespace kontalk::storage
