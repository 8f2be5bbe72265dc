#pragma once
// The operator's edits of the Kontalk network's server list (spec §7.1), made with `kontalkctl
// network add|remove|enable|disable`: one row per domain, which wins over the configuration's
// [[network.servers]] entry of that domain. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace kontalk::storage {

struct NetworkServerRow {
  std::string domain;
  // The server key's fingerprint; nullopt when the row only switches a configured server on or
  // off (enable/disable of a domain that was never added here).
  std::optional<std::string> fingerprint;
  bool enabled = true;
  bool removed = false;  // `remove`: the domain leaves the list, configured or not
};

class NetworkStore {
 public:
  virtual ~NetworkStore() = default;
  // Every row, oldest edit of a new domain first (the order of added servers in the list).
  virtual Result<std::vector<NetworkServerRow>> all() = 0;
  // Adds or replaces the domain's row: fingerprint set, enabled, not removed.
  virtual Result<void> add(const std::string& domain, const std::string& fingerprint) = 0;
  // Marks the domain removed (a row is created when there was none).
  virtual Result<void> remove(const std::string& domain) = 0;
  // Switches the domain on or off (a row without fingerprint is created when there was none).
  virtual Result<void> setEnabled(const std::string& domain, bool enabled) = 0;
};

}  // namespace kontalk::storage
