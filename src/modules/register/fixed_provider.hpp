#pragma once
// A provider whose code is configured (fixed_code), for automated tests: nothing is sent and
// every verification accepts that code (still single-use and expiring like any other).

#include <memory>
#include <string>

#include "modules/register/code_provider.hpp"

namespace kontalk::modules::registration {

std::unique_ptr<VerificationProvider> makeFixedProvider(std::string code, std::string senderId);

}  // namespace kontalk::modules::registration
