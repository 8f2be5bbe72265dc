#pragma once
// Last activity (XEP-0012, Kontalk spec §6): when each account last went unavailable, and the
// status text it left with. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/result.hpp"

namespace kontalk::storage {

struct LastActivity {
  std::int64_t at = 0;  // unix seconds of the last unavailable presence
  std::string status;   // its <status/> text, empty when none
};

class LastActivityStore {
 public:
  virtual ~LastActivityStore() = default;
  // Replaces the account's record. Fails with NotFound when the account does not exist.
  virtual Result<void> record(const std::string& username, const std::string& domain,
                              const LastActivity& activity) = 0;
  // The account's record; nullopt when it never went unavailable (or does not exist).
  virtual Result<std::optional<LastActivity>> find(const std::string& username,
                                                   const std::string& domain) = 0;
};

}  // namespace kontalk::storage
