#pragma once
// The operator's account edits and notices as the running server makes them: the same paths
// as `kontalkctl user ...` and `kontalkctl broadcast` over the admin socket
// (app/server/live_administration.hpp), offered to modules (XEP-0133 admin commands).
//
// Threading: createAccount, changePassword and removeAccount block on storage and password
// hashing: call them from ModuleHost::runBlocking work. onlineSessions and announce may be
// called from any thread (announce posts its messages to the shards).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::api {

class AccountAdministration {
 public:
  virtual ~AccountAdministration() = default;
  // Failures carry a message for the user: AlreadyExists / NotFound name the account;
  // InvalidArgument when SASLprep rejects the password.
  virtual Result<void> createAccount(const std::string& localpart, std::string_view password) = 0;
  virtual Result<void> changePassword(const std::string& localpart, std::string_view password) = 0;
  // Removes the account and everything it owns, and ends its sessions; returns how many.
  virtual Result<std::size_t> removeAccount(const std::string& localpart) = 0;
  // The full JIDs of every bound session (a snapshot).
  virtual std::vector<xmpp::Jid> onlineSessions() const = 0;
  // A headline message from the domain with `body` (and `subject` unless empty) to every bound
  // session; returns how many.
  virtual std::size_t announce(std::string_view subject, std::string_view body) = 0;
};

}  // namespace kontalk::api
