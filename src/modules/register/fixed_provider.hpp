#pragma once
// A provider whose code is configured (fixed_code), for automated tests: nothing is sent and
// every verification accepts that code (still single-use and expiring like any other).
// Threading: like every provider (verification_provider.hpp): thread-safe, its start() and
// check() block and run on workers; made on the main thread when the module starts.

#include <memory>
#include <string>

#include "modules/register/code_provider.hpp"

namespace kontalk::modules::registration {

std::unique_ptr<VerificationProvider> makeFixedProvider(std::string code, std::string senderId);

}  // namespace kontalk::modules::registration
