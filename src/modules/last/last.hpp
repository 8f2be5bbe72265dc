#pragma once
// Last Activity (XEP-0012, Kontalk spec §6): the server's uptime, and for a local account the
// time since its last unavailable presence, answered on the account's behalf to the account
// itself and to contacts subscribed to its presence.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeLastModule();
}
