#pragma once
// kontalkctl's commands. Each returns the process exit code and writes its own messages:
// results to `out`, problems to `err`, so that scripts can rely on both.
// Threading: kontalkctl's one thread; the commands block on storage.

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "app/config/config.hpp"
#include "storage/storage.hpp"

namespace kontalk::ctl {

// Opens storage for a command that edits data; writes the problem to `err` and returns nullptr
// when it cannot. A brand-new database is migrated on the spot; an existing one only by
// `migrate` or the server (a running server of an older version may still be using it).
std::unique_ptr<storage::Storage> openForCommands(const app::Config& config, std::ostream& err);

// Exit codes: 0 success, 1 the operation failed (e.g. the user exists), 2 bad usage or setup,
// 3 the command needs the running server and none answers on the admin socket.
//
// user add/passwd/del go through the running server's admin socket, so that they apply live
// (a deleted user's sessions end; a new password counts from the next login); only when no
// server runs do they change storage themselves. The output says which happened.
int addUser(const app::Config& config, const std::string& jid, std::istream& passwordInput,
            std::ostream& out, std::ostream& err);
int changePassword(const app::Config& config, const std::string& jid, std::istream& passwordInput,
                   std::ostream& out, std::ostream& err);
int removeUser(const app::Config& config, const std::string& jid, std::ostream& out,
               std::ostream& err);
int listUsers(const app::Config& config, std::ostream& out, std::ostream& err);
int migrate(const app::Config& config, std::ostream& out, std::ostream& err);
// Sends `request` (the command's words, app/admin/admin_protocol.hpp) to the running server and
// prints its answer: status, sessions, reload, log-level, broadcast.
int askRunningServer(const app::Config& config, const std::vector<std::string>& request,
                     std::ostream& out, std::ostream& err);

}  // namespace kontalk::ctl
