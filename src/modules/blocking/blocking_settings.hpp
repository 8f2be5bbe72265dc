#pragma once
// [modules.blocking] (XEP-0191): options declared once (config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <cstddef>

#include "config/section.hpp"

namespace kontalk::modules::blocking {

struct BlockingSettings {
  std::size_t maxItems = 1000;           // entries in one account's block list
  std::size_t maxItemsPerRequest = 100;  // <item/>s in one block or unblock request
};

const config::Section<BlockingSettings>& blockingOptions();

}  // namespace kontalk::modules::blocking
