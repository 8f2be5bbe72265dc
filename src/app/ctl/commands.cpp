#include "app/ctl/commands.hpp"

#include <chrono>
#include <filesystem>
#include <istream>
#include <ostream>

#include <functional>

#include "app/admin/account_edits.hpp"
#include "app/admin/admin_client.hpp"
#include "storage/backends/open_storage.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::ctl {

// A brand-new database is migrated on the spot, so that users can be created before the first
// start.
std::unique_ptr<storage::Storage> openForCommands(const app::Config& config, std::ostream& err) {
  std::filesystem::create_directories(config.server.dataDir);
  auto opened = storage::openStorage(config.storage);
  if (!opened) {
    err << "kontalkctl: cannot open storage: " << opened.error().message << "\n";
    return nullptr;
  }
  auto& storage = **opened;
  auto version = storage.schemaVersion();
  if (version && *version == 0) {
    if (auto applied = storage.migrate(); !applied) {
      err << "kontalkctl: migration failed: " << applied.error().message << "\n";
      return nullptr;
    }
  } else if (!version) {
    err << "kontalkctl: " << version.error().message << "\n";
    return nullptr;
  }
  return std::move(*opened);
}

namespace {

std::string servedDomain(const app::Config& config) {
  return xmpp::Jid::parse(config.server.domain)->domain();
}

// Asks the running server to make an account edit, so that it applies live; without a server,
// `direct` makes it on storage. Both say which happened.
int editAccount(const app::Config& config, const std::vector<std::string>& request,
                const std::function<Result<void>(storage::Storage&)>& direct,
                const std::string& done, std::ostream& out, std::ostream& err) {
  const auto answer = admin::askServer(config.admin.socket, request);
  if (answer.outcome == admin::ServerAnswer::Outcome::Answered) {
    (answer.response.ok ? out : err)
        << (answer.response.ok ? "" : "kontalkctl: ") << answer.response.text;
    return answer.response.ok ? 0 : 1;
  }
  if (answer.outcome == admin::ServerAnswer::Outcome::Failed) {
    err << "kontalkctl: the server on " << config.admin.socket.string()
        << " did not answer: " << answer.problem << "\n";
    return 2;
  }
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  if (auto edited = direct(*storage); !edited) {
    err << "kontalkctl: " << edited.error().message << "\n";
    return edited.error().code == StatusCode::InvalidArgument ? 2 : 1;
  }
  out << done << " (no server running: changed in storage)\n";
  return 0;
}

// user add and user passwd: a bare JID of the domain and a password from standard input.
int editWithPassword(const app::Config& config, const std::string& jidText,
                     std::istream& passwordInput, const std::string& action,
                     Result<void> (*edit)(storage::Storage&, std::string_view, const std::string&,
                                          std::string_view),
                     const std::string& done, std::ostream& out, std::ostream& err) {
  const std::string domain = servedDomain(config);
  auto local = admin::localpartIn(domain, jidText);
  auto password = local ? admin::readPasswordLine(passwordInput) : Result<std::string>{};
  if (!local || !password) {
    err << "kontalkctl: " << (!local ? local.error() : password.error()).message << "\n";
    return 2;
  }
  return editAccount(
      config, {"user", action, jidText, *password},
      [&](storage::Storage& storage) { return edit(storage, domain, *local, *password); },
      done + " " + *local + "@" + domain, out, err);
}

}  // namespace

int addUser(const app::Config& config, const std::string& jidText, std::istream& passwordInput,
            std::ostream& out, std::ostream& err) {
  return editWithPassword(config, jidText, passwordInput, "add", &admin::createAccount, "added",
                          out, err);
}

int changePassword(const app::Config& config, const std::string& jidText,
                   std::istream& passwordInput, std::ostream& out, std::ostream& err) {
  return editWithPassword(config, jidText, passwordInput, "passwd", &admin::changePassword,
                          "changed the password of", out, err);
}

int removeUser(const app::Config& config, const std::string& jidText, std::ostream& out,
               std::ostream& err) {
  const std::string domain = servedDomain(config);
  auto local = admin::localpartIn(domain, jidText);
  if (!local) {
    err << "kontalkctl: " << local.error().message << "\n";
    return 2;
  }
  return editAccount(
      config, {"user", "del", jidText},
      [&](storage::Storage& storage) { return admin::removeAccount(storage, domain, *local); },
      "removed " + *local + "@" + domain, out, err);
}

int askRunningServer(const app::Config& config, const std::vector<std::string>& request,
                     std::ostream& out, std::ostream& err) {
  const auto answer = admin::askServer(config.admin.socket, request);
  switch (answer.outcome) {
    case admin::ServerAnswer::Outcome::Answered:
      if (answer.response.ok) {
        out << answer.response.text;
        return 0;
      }
      err << "kontalkctl: " << answer.response.text;
      return 1;
    case admin::ServerAnswer::Outcome::NoServer:
      err << "kontalkctl: the server is not running (nothing answers on "
          << config.admin.socket.string() << ": " << answer.problem << ")\n";
      return 3;
    case admin::ServerAnswer::Outcome::Failed:
      break;
  }
  err << "kontalkctl: the server on " << config.admin.socket.string()
      << " did not answer: " << answer.problem << "\n";
  return 2;
}

int listUsers(const app::Config& config, std::ostream& out, std::ostream& err) {
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  const std::string domain = servedDomain(config);
  auto users = storage->accounts().list(domain);
  if (!users) {
    err << "kontalkctl: cannot list users: " << users.error().message << "\n";
    return 1;
  }
  for (const auto& user : *users) out << user << "@" << domain << "\n";
  return 0;
}

int migrate(const app::Config& config, std::ostream& out, std::ostream& err) {
  std::filesystem::create_directories(config.server.dataDir);
  auto opened = storage::openStorage(config.storage);
  if (!opened) {
    err << "kontalkctl: cannot open storage: " << opened.error().message << "\n";
    return 2;
  }
  auto applied = (*opened)->migrate();
  if (!applied) {
    err << "kontalkctl: migration failed: " << applied.error().message << "\n";
    return 1;
  }
  auto version = (*opened)->schemaVersion();
  out << "applied " << *applied << " migration(s); schema version " << (version ? *version : -1)
      << "\n";
  return 0;
}

}  // namespace kontalk::ctl
