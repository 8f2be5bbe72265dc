#pragma once
// Message Carbons (XEP-0280): a user's clients that enable carbons see the chats of the user's
// other clients, sent and received.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeCarbonsModule();
}
