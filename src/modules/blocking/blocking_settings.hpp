#pragma once
// [modules.blocking] settings, read once at start.

#include <cstddef>

#include "api/module.hpp"

namespace kontalk::modules::blocking {

struct BlockingSettings {
  std::size_t maxItems = 1000;           // entries in one account's block list
  std::size_t maxItemsPerRequest = 100;  // <item/>s in one block or unblock request
};

// Throws std::runtime_error on values that are not positive integers (start-up misconfiguration).
BlockingSettings readBlockingSettings(const api::ModuleHost& host);

}  // namespace kontalk::modules::blocking
