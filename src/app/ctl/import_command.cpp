#include "app/ctl/import_command.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <vector>

#include "base/encoding.hpp"
#include "storage/backends/open_storage.hpp"
#include "xmpp/jid.hpp"

namespace kontalk::ctl {
namespace {

// "SCRAM-SHA-1$4096:c2FsdA==$c3RvcmVk:c2VydmVy" (RFC 5803 §3).
std::optional<storage::ScramCredentials> parseRfc5803(std::string_view text) {
  storage::ScramCredentials credentials;
  const auto dollar = text.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  const auto scheme = text.substr(0, dollar);
  if (scheme == "SCRAM-SHA-1") {
    credentials.hash = storage::ScramHash::Sha1;
  } else if (scheme == "SCRAM-SHA-256") {
    credentials.hash = storage::ScramHash::Sha256;
  } else {
    return std::nullopt;
  }
  text.remove_prefix(dollar + 1);
  const auto second = text.find('$');
  if (second == std::string_view::npos) return std::nullopt;
  const auto head = text.substr(0, second);   // iterations:salt
  const auto tail = text.substr(second + 1);  // storedkey:serverkey
  const auto headColon = head.find(':');
  const auto tailColon = tail.find(':');
  if (headColon == std::string_view::npos || tailColon == std::string_view::npos) {
    return std::nullopt;
  }
  std::uint32_t iterations = 0;
  for (const char c : head.substr(0, headColon)) {
    if (c < '0' || c > '9' || iterations > 100'000'000) return std::nullopt;
    iterations = iterations * 10 + static_cast<std::uint32_t>(c - '0');
  }
  auto salt = base::base64Decode(head.substr(headColon + 1));
  auto storedKey = base::base64Decode(tail.substr(0, tailColon));
  auto serverKey = base::base64Decode(tail.substr(tailColon + 1));
  const std::size_t keySize = credentials.hash == storage::ScramHash::Sha1 ? 20 : 32;
  if (iterations == 0 || !salt || salt->empty() || !storedKey || !serverKey ||
      storedKey->size() != keySize || serverKey->size() != keySize) {
    return std::nullopt;
  }
  credentials.iterations = iterations;
  credentials.salt = std::move(*salt);
  credentials.storedKey = std::move(*storedKey);
  credentials.serverKey = std::move(*serverKey);
  return credentials;
}

// The account of one line, or an error text.
std::variant<storage::Account, std::string> parseLine(const std::string& line,
                                                      const std::string& domain) {
  std::istringstream fields(line);
  std::string jidText;
  fields >> jidText;
  auto jid = xmpp::Jid::parse(jidText);
  if (!jid || !jid->isBare() || jid->local().empty() || jid->domain() != domain) {
    return "\"" + jidText + "\" is not a bare JID of " + domain;
  }
  storage::Account account;
  account.username = jid->local();
  account.domain = domain;
  std::string field;
  while (fields >> field) {
    auto credentials = parseRfc5803(field);
    if (!credentials) return "malformed RFC 5803 credentials \"" + field + "\"";
    auto& slot =
        credentials->hash == storage::ScramHash::Sha1 ? account.scramSha1 : account.scramSha256;
    if (slot) return std::string("two credentials for the same hash");
    slot = std::move(*credentials);
  }
  if (!account.scramSha1 && !account.scramSha256) return std::string("no credentials");
  return account;
}

}  // namespace

int importUsers(const app::Config& config, const std::string& file, std::ostream& out,
                std::ostream& err) {
  auto domain = xmpp::Jid::parse(config.server.domain);
  std::ifstream input(file);
  if (!domain || !input) {
    err << "kontalkctl: cannot read " << file << "\n";
    return 2;
  }
  // Parse everything first: a malformed file imports nothing.
  std::vector<storage::Account> accounts;
  std::string line;
  for (std::size_t number = 1; std::getline(input, line); ++number) {
    if (line.empty() || line.front() == '#') continue;
    auto parsed = parseLine(line, domain->domain());
    if (auto* error = std::get_if<std::string>(&parsed)) {
      err << "kontalkctl: " << file << ":" << number << ": " << *error << "\n";
      return 2;
    }
    accounts.push_back(std::move(std::get<storage::Account>(parsed)));
  }

  std::filesystem::create_directories(config.server.dataDir);
  auto opened = storage::openStorage(config.storage);
  if (!opened) {
    err << "kontalkctl: cannot open storage: " << opened.error().message << "\n";
    return 2;
  }
  auto& storage = **opened;
  // Like `user add`: a new database is migrated here, an existing one only by `migrate`.
  if (auto version = storage.schemaVersion(); !version) {
    err << "kontalkctl: " << version.error().message << "\n";
    return 2;
  } else if (*version == 0) {
    if (auto applied = storage.migrate(); !applied) {
      err << "kontalkctl: migration failed: " << applied.error().message << "\n";
      return 2;
    }
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::size_t imported = 0;
  std::size_t failed = 0;
  for (auto& account : accounts) {
    account.createdAt = now;
    if (auto created = storage.accounts().create(account); !created) {
      ++failed;
      err << "kontalkctl: cannot add " << account.username << "@" << account.domain << ": "
          << (created.error().code == StatusCode::AlreadyExists ? "already exists"
                                                                : created.error().message)
          << "\n";
      continue;
    }
    ++imported;
  }
  out << "imported " << imported << " account(s)";
  if (failed > 0) out << ", " << failed << " failed";
  out << "\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace kontalk::ctl
