#pragma once
// Rosters, presence subscriptions and presence broadcast (RFC 6121 §2-4), with roster
// versioning (§2.6) and subscription pre-approval (§3.4). Config: [modules.roster]
// (docs/configuration.md).
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeRosterModule();
}
