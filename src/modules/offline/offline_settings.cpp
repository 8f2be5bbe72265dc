#include "modules/offline/offline_settings.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace kontalk::modules::offline {
namespace {

// Upper bounds keep the arithmetic on them (seconds since the epoch plus expiry) far from
// overflow and catch typos such as an extra digit group.
constexpr long long kMaxMessages = 1'000'000;
constexpr long long kMaxExpiryDays = 3650;

long long positiveInteger(const api::ModuleHost& host, std::string_view key, long long fallback,
                          long long maximum) {
  const std::string text = host.configString("offline", key, std::to_string(fallback));
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > maximum) {
    throw std::runtime_error("[modules.offline] " + std::string(key) +
                             " must be an integer from 1 to " + std::to_string(maximum));
  }
  return value;
}

bool boolean(const api::ModuleHost& host, std::string_view key, bool fallback) {
  const std::string text = host.configString("offline", key, fallback ? "true" : "false");
  if (text == "true") return true;
  if (text == "false") return false;
  throw std::runtime_error("[modules.offline] " + std::string(key) + " must be true or false");
}

}  // namespace

OfflineSettings readOfflineSettings(const api::ModuleHost& host) {
  OfflineSettings defaults;
  OfflineSettings settings;
  settings.maxMessagesPerUser = static_cast<std::size_t>(
      positiveInteger(host, "max_messages_per_user",
                      static_cast<long long>(defaults.maxMessagesPerUser), kMaxMessages));
  const auto defaultDays = std::chrono::duration_cast<std::chrono::days>(defaults.expiry).count();
  settings.expiry =
      std::chrono::days(positiveInteger(host, "expiry_days", defaultDays, kMaxExpiryDays));
  settings.durableDelivery = boolean(host, "durable_delivery", defaults.durableDelivery);
  return settings;
}

}  // namespace kontalk::modules::offline
