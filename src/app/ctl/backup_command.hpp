#pragma once
// kontalkctl backup --to FILE: an online backup of the database, safe while the server runs.
// Exit codes as in commands.hpp: 0 success, 1 the operation failed, 2 bad usage or setup.
// Threading: kontalkctl's one thread; blocks on storage and files.

#include <iosfwd>
#include <string>

#include "app/config/config.hpp"

namespace kontalk::ctl {

// Copies the configured database to `file` (storage::backupStorage). Refuses to create a
// database where none is: a backup of nothing would look like one of everything. What the
// database does not hold (the server key, the TLS files, uploaded media) is named on `out`, so
// that the operator copies it too (docs/deploying.md, "Backups").
int backupDatabase(const app::Config& config, const std::string& file, std::ostream& out,
                   std::ostream& err);

}  // namespace kontalk::ctl
