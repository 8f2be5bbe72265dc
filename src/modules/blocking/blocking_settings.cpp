#include "modules/blocking/blocking_settings.hpp"

namespace kontalk::modules::blocking {
namespace {

constexpr std::size_t kMaximum = 100'000;  // every block list is held in memory

}  // namespace

const config::Section<BlockingSettings>& blockingOptions() {
  static const config::Section<BlockingSettings> section(
      "modules.blocking", "Blocking (XEP-0191). Every block list is held in memory.",
      [](config::SectionBuilder<BlockingSettings>& option) {
        option.integer("max_items", &BlockingSettings::maxItems, std::size_t{1}, kMaximum,
                       "entries in one block list; more are refused with policy-violation");
        option.integer("max_items_per_request", &BlockingSettings::maxItemsPerRequest,
                       std::size_t{1}, kMaximum,
                       "items in one block or unblock request; more are refused with "
                       "policy-violation");
      });
  return section;
}

}  // namespace kontalk::modules::blocking
