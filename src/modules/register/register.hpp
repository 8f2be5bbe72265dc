#pragma once
// Kontalk registration (spec §4; XEP-0077 with data forms): phone verification through the
// configured providers, code confirmation and key certification, key rollover, private key
// transfer. Configured in [modules.register].
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeRegisterModule();
}
