#pragma once
// vcard-temp (XEP-0054): users publish their own vCard and read anyone's, stored by the server.
#include <memory>

#include "api/module.hpp"

namespace kontalk::modules {
std::unique_ptr<api::Module> makeVcardModule();
}
