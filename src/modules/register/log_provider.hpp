#pragma once
// The development provider (issue item 5): nothing is sent; the code goes to the server log and
// to the file <data_dir>/verification/<phone>, where a developer or a test reads it.
// Threading: like every provider (verification_provider.hpp): thread-safe, its start() and
// check() block and run on workers; made on the main thread when the module starts.

#include <filesystem>
#include <memory>

#include "modules/register/code_provider.hpp"

namespace kontalk::modules::registration {

std::unique_ptr<VerificationProvider> makeLogProvider(std::filesystem::path directory,
                                                      std::string senderId);

}  // namespace kontalk::modules::registration
