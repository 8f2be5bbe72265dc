#pragma once
// Extended Stanza Addressing (XEP-0033): the server is a multicast service. Messages with
// <addresses/> sent to the server's domain or to multicast@DOMAIN (where Kontalk clients send
// group messages) are delivered to each address.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeAddressingModule();
}
