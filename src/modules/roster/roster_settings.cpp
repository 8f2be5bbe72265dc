#include "modules/roster/roster_settings.hpp"

namespace kontalk::modules::roster {

const config::Section<RosterSettings>& rosterOptions() {
  static const config::Section<RosterSettings> section(
      "modules.roster", "Rosters, subscriptions and presence (RFC 6121).",
      [](config::SectionBuilder<RosterSettings>& option) {
        option.integer("max_items", &RosterSettings::maxItems, std::size_t{1},
                       std::size_t{1'000'000},
                       "items in one roster: a roster set that would add one more is refused "
                       "with policy-violation (RFC 6120 §8.3.3.12), and so is an outbound "
                       "subscription stanza that would need a new item");
        option.integer("max_name_length", &RosterSettings::maxNameBytes, std::size_t{1},
                       std::size_t{65536},
                       "bytes of an item's name; longer is refused with not-acceptable");
        option.integer("max_groups", &RosterSettings::maxGroups, std::size_t{1}, std::size_t{1000},
                       "groups of one item; more are refused with not-acceptable");
        option.integer("max_group_length", &RosterSettings::maxGroupBytes, std::size_t{1},
                       std::size_t{65536},
                       "bytes of a group name; longer (or empty) is refused with not-acceptable");
        option.integer("max_directed_presences", &RosterSettings::maxDirectedPresences,
                       std::size_t{1}, std::size_t{100'000},
                       "directed-presence targets remembered per session (RFC 6121 §4.6.3); "
                       "further targets still get the presence but not the final unavailable");
      });
  return section;
}

}  // namespace kontalk::modules::roster
