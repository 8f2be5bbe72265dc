#pragma once
// Software Version (XEP-0092) of the server. [modules.version] name, version, os (os is omitted
// unless configured: revealing it helps attackers, XEP-0092 §5).
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeVersionModule();
}
