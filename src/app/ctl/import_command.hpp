#pragma once
// `kontalkctl user import FILE`: creates many accounts at once from precomputed SCRAM
// credentials, e.g. exported from another server or prepared by the benchmark. Deriving
// credentials costs a PBKDF2 run per account and hash (deliberately slow), so a bulk import takes
// them ready-made instead of passwords.
//
// One account per line: a bare JID of the configured domain, then one or two credentials in the
// RFC 5803 syntax "SCRAM-SHA-1$<iterations>:<salt>$<StoredKey>:<ServerKey>" (likewise
// SCRAM-SHA-256), base64 fields, separated by spaces. Empty lines and lines starting with '#'
// are skipped.
// Threading: kontalkctl's one thread; blocks on the file and storage.

#include <iosfwd>
#include <string>

#include "app/config/config.hpp"

namespace kontalk::ctl {

// Exit codes as the other commands: 0 all imported, 1 some accounts failed (existing ones are
// reported and skipped), 2 bad usage, unreadable file or malformed line (nothing imported then).
int importUsers(const app::Config& config, const std::string& file, std::ostream& out,
                std::ostream& err);

}  // namespace kontalk::ctl
