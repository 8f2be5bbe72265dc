#pragma once
// How every backend stores a roster item's subscription state: the 'subscription' attribute
// values of RFC 6121 §2.1.2.5 ("none", "to", "from", "both"), as such.
// Threading: pure functions; any thread.

#include <string_view>

#include "storage/roster_store.hpp"

namespace kontalk::storage {

std::string_view subscriptionName(const RosterItem& item);
// Sets item.subscriptionTo and item.subscriptionFrom from a stored name.
void readSubscription(std::string_view name, RosterItem& item);

}  // namespace kontalk::storage
