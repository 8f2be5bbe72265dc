#pragma once
// [modules.adhoc] (XEP-0050, XEP-0133): options declared once (config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <vector>

#include "config/section.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::adhoc {

struct AdHocSettings {
  // Bare JIDs that may run the admin commands (XEP-0133); none by default.
  std::vector<xmpp::Jid> admins;
  std::size_t maxSessionsPerUser = 5;        // open multi-stage sessions of one account
  std::chrono::seconds sessionTimeout{300};  // an open session left alone this long ends
};

const config::Section<AdHocSettings>& adhocOptions();

}  // namespace kontalk::modules::adhoc
