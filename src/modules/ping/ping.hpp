#pragma once
// XMPP Ping (XEP-0199): the server answers pings addressed to it.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makePingModule();
}
