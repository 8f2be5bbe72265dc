#pragma once
// A subset of the admin commands (XEP-0133) at the server's domain: add-user, delete-user,
// change-user-password, get-online-users-list, get-online-users-num and announce. Each
// edits accounts through api::AccountAdministration, the paths `kontalkctl user ...` takes, and
// only the accounts in `admins` may see and run them.
// Threading: Module::start() only (main thread); the commands then run as AdHocCommands says.

#include <vector>

#include "api/account_administration.hpp"
#include "api/adhoc_commands.hpp"
#include "api/module_host.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::modules::adhoc {

inline constexpr const char* kAdminNamespace = "http://jabber.org/protocol/admin";

// Adds the commands to `commands`. `host` and `administration` must outlive them.
void addAdminCommands(api::AdHocCommands& commands, api::ModuleHost& host,
                      api::AccountAdministration& administration,
                      const std::vector<xmpp::Jid>& admins);

}  // namespace kontalk::modules::adhoc
