#pragma once
// Private XML storage (XEP-0049): per account, serialized elements keyed by their name and
// namespace (XEP-0049 §2: a client stores and retrieves by that pair). Bookmarks (XEP-0048,
// storage:bookmarks) live here too. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <cstddef>
#include <optional>
#include <string>

#include "storage/result.hpp"

namespace kontalk::storage {

// An element's key: its name and namespace.
struct PrivateKey {
  std::string name;
  std::string xmlns;
};

class PrivateStore {
 public:
  virtual ~PrivateStore() = default;
  // Stores `xml` under `key`, replacing what was there. Fails with NotFound when the account does
  // not exist, and with Overloaded (changing nothing) when the account's elements would then
  // hold more than `maxTotalBytes` bytes together. Concurrent saves of one account are serialized,
  // so the limit holds under races.
  virtual Result<void> save(const std::string& username, const std::string& domain,
                            const PrivateKey& key, const std::string& xml,
                            std::size_t maxTotalBytes) = 0;
  // The element stored under `key`; nullopt when none (or no such account).
  virtual Result<std::optional<std::string>> find(const std::string& username,
                                                  const std::string& domain,
                                                  const PrivateKey& key) = 0;
};

}  // namespace kontalk::storage
