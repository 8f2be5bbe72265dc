#pragma once
// kontalkctl storage copy --from CONFIG --to CONFIG: everything one server's storage holds, copied
// into another's, e.g. from SQLite to PostgreSQL (docs/deploying.md, "Moving to PostgreSQL").
// Exit codes as in commands.hpp: 0 success, 1 the copy failed or was refused, 2 bad usage or
// setup.
// Threading: kontalkctl's one thread; blocks on both storages.

#include <iosfwd>
#include <string>

namespace kontalk::ctl {

// Copies the storage of the server configured in `fromConfigFile` into the one of
// `toConfigFile` (storage::copyStorage: one transaction, in batches). The source must exist;
// a brand-new destination is migrated first. Refuses a destination that holds data or is at
// another schema version than the source. Both servers should be stopped: rows the source's
// server writes during the copy may or may not be in it.
int copyStorageBetween(const std::string& fromConfigFile, const std::string& toConfigFile,
                       std::ostream& out, std::ostream& err);

}  // namespace kontalk::ctl
