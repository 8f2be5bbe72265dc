#pragma once
// The feature modules the server runs. Adding a feature is one line in module_list.cpp.
#include <memory>
#include <vector>

#include "api/module.hpp"

namespace kontalk::app {
std::vector<std::unique_ptr<api::Module>> makeModules();
}
