#include "modules/blocking/blocking_settings.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace kontalk::modules::blocking {
namespace {

constexpr std::size_t kMaximum = 100'000;  // the whole list is held in memory

std::size_t positiveInteger(const api::ModuleHost& host, std::string_view key,
                            std::size_t fallback) {
  const std::string text = host.configString("blocking", key, std::to_string(fallback));
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaximum) {
    throw std::runtime_error("[modules.blocking] " + std::string(key) +
                             " must be an integer from 1 to " + std::to_string(kMaximum));
  }
  return value;
}

}  // namespace

BlockingSettings readBlockingSettings(const api::ModuleHost& host) {
  const BlockingSettings defaults;
  BlockingSettings settings;
  settings.maxItems = positiveInteger(host, "max_items", defaults.maxItems);
  settings.maxItemsPerRequest =
      positiveInteger(host, "max_items_per_request", defaults.maxItemsPerRequest);
  return settings;
}

}  // namespace kontalk::modules::blocking
