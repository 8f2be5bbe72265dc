#include "modules/adhoc/adhoc_settings.hpp"

namespace kontalk::modules::adhoc {
namespace {

config::ParsedCodec<xmpp::Jid> bareJidCodec() {
  return {"a bare JID \"user@domain\"",
          [](std::string_view text) -> std::optional<xmpp::Jid> {
            auto jid = xmpp::Jid::parse(text);
            if (!jid || !jid->isBare() || jid->local().empty()) return std::nullopt;
            return jid;
          },
          [](const xmpp::Jid& jid) { return jid.toString(); }};
}

}  // namespace

const config::Section<AdHocSettings>& adhocOptions() {
  static const config::Section<AdHocSettings> section(
      "modules.adhoc", "Ad-hoc commands (XEP-0050) and the admin commands (XEP-0133).",
      [](config::SectionBuilder<AdHocSettings>& option) {
        option.parsedList("admins", &AdHocSettings::admins, bareJidCodec(),
                          "accounts that may run the admin commands (add, delete and change the "
                          "password of users, list online users, announce); others are refused "
                          "and do not see them");
        option.integer("max_sessions_per_user", &AdHocSettings::maxSessionsPerUser, std::size_t{1},
                       std::size_t{100},
                       "multi-stage command sessions one account may have open; another is "
                       "refused with resource-constraint");
        option.duration("session_timeout", &AdHocSettings::sessionTimeout, std::chrono::seconds(10),
                        std::chrono::seconds(3600),
                        "how long an open command session waits for its next stage");
      });
  return section;
}

}  // namespace kontalk::modules::adhoc
