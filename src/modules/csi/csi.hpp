#pragma once
// Client State Indication (XEP-0352): a client says it is <inactive/> (e.g. the app went to the
// background) and the server holds back presence updates and chat states until it is <active/>.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeCsiModule();
}
