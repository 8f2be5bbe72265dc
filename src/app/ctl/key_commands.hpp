#pragma once
// kontalkctl key …: the server's OpenPGP key (spec §1), file [server] pgp_key.
// Exit codes as in commands.hpp: 0 success, 1 the operation failed, 2 bad usage or setup.
// Threading: kontalkctl's one thread; blocks on files and key generation.

#include <iosfwd>

#include "app/config/config.hpp"

namespace kontalk::ctl {

// Creates the key (user id naming the domain); refuses to replace an existing one.
int generateServerKey(const app::Config& config, std::ostream& out, std::ostream& err);
// Prints the fingerprint and the ASCII-armored public key.
int showServerKey(const app::Config& config, std::ostream& out, std::ostream& err);

}  // namespace kontalk::ctl
