#pragma once
// The operator's account edits (kontalkctl user add/del/passwd), the same whether kontalkctl
// makes them on storage itself (no server running) or the running server makes them for it over
// the admin socket (so that they apply live: app/server/live_administration.hpp).
// Threading: blocks on storage and on password hashing (PBKDF2); never on a shard.

#include <string>
#include <string_view>

#include "base/status.hpp"
#include "storage/storage.hpp"

namespace kontalk::admin {

inline constexpr std::size_t kMaxPasswordBytes = 1024;

// The localpart of `jid`, when it is a bare JID of `domain`; InvalidArgument with a message for
// the operator otherwise.
Result<std::string> localpartIn(std::string_view domain, const std::string& jid);
// A password from kontalkctl's standard input, one line (without its line end);
// InvalidArgument unless it has 1 to kMaxPasswordBytes bytes.
Result<std::string> readPasswordLine(std::istream& input);

// Each returns a message for the operator: AlreadyExists / NotFound name the account;
// InvalidArgument when SASLprep rejects the password; storage failures as they are.
Result<void> createAccount(storage::Storage& storage, std::string_view domain,
                           const std::string& localpart, std::string_view password);
Result<void> changePassword(storage::Storage& storage, std::string_view domain,
                            const std::string& localpart, std::string_view password);
Result<void> removeAccount(storage::Storage& storage, std::string_view domain,
                           const std::string& localpart);

}  // namespace kontalk::admin
