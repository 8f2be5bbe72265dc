#pragma once
// Blocking Command (XEP-0191): per-account block lists, managed by the account's clients and
// enforced by the server on every stanza between the account and a blocked entity.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeBlockingModule();
}
