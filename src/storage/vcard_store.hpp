#pragma once
// vCards (XEP-0054): each account's vCard as the serialized <vCard xmlns='vcard-temp'/> element
// the client published. Backend-neutral.
// Threading: methods block: call them from a worker, never on a shard; implementations are
// thread-safe.

#include <optional>
#include <string>

#include "storage/result.hpp"

namespace kontalk::storage {

class VcardStore {
 public:
  virtual ~VcardStore() = default;
  // Replaces the account's vCard. Fails with NotFound when the account does not exist.
  virtual Result<void> save(const std::string& username, const std::string& domain,
                            const std::string& vcardXml) = 0;
  // The account's vCard; nullopt when it never published one (or does not exist).
  virtual Result<std::optional<std::string>> find(const std::string& username,
                                                  const std::string& domain) = 0;
};

}  // namespace kontalk::storage
