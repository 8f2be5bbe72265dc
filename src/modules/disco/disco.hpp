#pragma once
// Service Discovery (XEP-0030): disco#info and disco#items for the server and for accounts,
// answering with the identities and features other modules registered with the host.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeDiscoModule();
}
