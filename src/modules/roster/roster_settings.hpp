#pragma once
// [modules.roster] (RFC 6121 rosters, subscriptions and presence): options declared once
// (config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <cstddef>

#include "config/section.hpp"
#include "modules/roster/roster_items.hpp"

namespace kontalk::modules::roster {

struct RosterSettings : RosterLimits {
  std::size_t maxDirectedPresences = 100;  // per session (RFC 6121 §4.6.3)
};

const config::Section<RosterSettings>& rosterOptions();

}  // namespace kontalk::modules::roster
