#include "app/ctl/commands.hpp"

#include <chrono>
#include <filesystem>
#include <istream>
#include <ostream>

#include "storage/backends/open_storage.hpp"
#include "stream/sasl/scram.hpp"
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

constexpr std::size_t kMaxPasswordBytes = 1024;

// The account's localpart, when `text` is a bare JID of the configured domain.
std::optional<std::string> localpartIn(const app::Config& config, const std::string& text,
                                       std::ostream& err) {
  auto jid = xmpp::Jid::parse(text);
  auto domain = xmpp::Jid::parse(config.server.domain);
  if (!jid || !jid->isBare() || jid->local().empty()) {
    err << "kontalkctl: \"" << text << "\" is not a bare JID like user@" << config.server.domain
        << "\n";
    return std::nullopt;
  }
  if (!domain || jid->domain() != domain->domain()) {
    err << "kontalkctl: " << text << " is not in this server's domain " << config.server.domain
        << "\n";
    return std::nullopt;
  }
  return jid->local();
}

}  // namespace

int addUser(const app::Config& config, const std::string& jidText, std::istream& passwordInput,
            std::ostream& out, std::ostream& err) {
  auto local = localpartIn(config, jidText, err);
  if (!local) return 2;
  std::string password;
  std::getline(passwordInput, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    err << "kontalkctl: give a password of 1 to " << kMaxPasswordBytes
        << " bytes on standard input\n";
    return 2;
  }
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  storage::Account account;
  account.username = *local;
  account.domain = xmpp::Jid::parse(config.server.domain)->domain();
  account.scramSha1 = sasl::deriveScramCredentials(sasl::ScramHash::Sha1, password);
  account.scramSha256 = sasl::deriveScramCredentials(sasl::ScramHash::Sha256, password);
  if (!account.scramSha1 || !account.scramSha256) {
    err << "kontalkctl: the password contains characters SASLprep (RFC 4013) does not allow\n";
    return 2;
  }
  account.createdAt = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto created = storage->accounts().create(account);
  if (!created) {
    if (created.error().code == StatusCode::AlreadyExists) {
      err << "kontalkctl: " << jidText << " already exists\n";
    } else {
      err << "kontalkctl: cannot add " << jidText << ": " << created.error().message << "\n";
    }
    return 1;
  }
  out << "added " << account.username << "@" << account.domain << "\n";
  return 0;
}

int removeUser(const app::Config& config, const std::string& jidText, std::ostream& out,
               std::ostream& err) {
  auto local = localpartIn(config, jidText, err);
  if (!local) return 2;
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  const std::string domain = xmpp::Jid::parse(config.server.domain)->domain();
  auto removed = storage->accounts().remove(*local, domain);
  if (!removed) {
    if (removed.error().code == StatusCode::NotFound) {
      err << "kontalkctl: " << jidText << " does not exist\n";
    } else {
      err << "kontalkctl: cannot remove " << jidText << ": " << removed.error().message << "\n";
    }
    return 1;
  }
  out << "removed " << *local << "@" << domain << "\n";
  return 0;
}

int listUsers(const app::Config& config, std::ostream& out, std::ostream& err) {
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  const std::string domain = xmpp::Jid::parse(config.server.domain)->domain();
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
