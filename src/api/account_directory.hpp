#pragma once
// Accounts and their current keys as other modules may see them (the server owns those tables;
// registration and certificate login write them). Read-only.
//
// Threading: every method blocks on storage: call it from ModuleHost::runBlocking work.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

struct AccountInfo {
  std::int64_t createdAt = 0;  // unix seconds
};

struct AccountKey {
  std::string fingerprint;  // 40 uppercase hex digits
  std::string keyBinary;    // the key block with the server's certification
};

class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // nullopt when `account` (a bare JID of this server) does not exist.
  virtual Result<std::optional<AccountInfo>> find(const xmpp::Jid& account) = 0;
  // The account's current OpenPGP key (spec §1); nullopt when it has none.
  virtual Result<std::optional<AccountKey>> currentKey(const xmpp::Jid& account) = 0;
};

}  // namespace kontalk::api
