#include "app/ctl/network_commands.hpp"

#include <ostream>

#include "api/network_directory.hpp"
#include "app/ctl/commands.hpp"

namespace kontalk::ctl {
namespace {

std::optional<std::string> domainArgument(const std::string& text, std::ostream& err) {
  auto domain = api::normalizeDomain(text);
  if (!domain) err << "kontalkctl: \"" << text << "\" is not a domain name\n";
  return domain;
}

int reportEdit(const Result<void>& done, const std::string& what, std::ostream& out,
               std::ostream& err) {
  if (!done) {
    err << "kontalkctl: cannot " << what << ": " << done.error().message << "\n";
    return 1;
  }
  out << what << "\n";
  return 0;
}

}  // namespace

int addNetworkServer(const app::Config& config, const std::string& domainText,
                     const std::string& fingerprintText, std::ostream& out, std::ostream& err) {
  const auto domain = domainArgument(domainText, err);
  if (!domain) return 2;
  const auto fingerprint = api::normalizeFingerprint(fingerprintText);
  if (!fingerprint) {
    err << "kontalkctl: \"" << fingerprintText << "\" is not a fingerprint (40 hex digits)\n";
    return 2;
  }
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  return reportEdit(storage->network().add(*domain, *fingerprint),
                    "add " + *domain + " " + *fingerprint, out, err);
}

int removeNetworkServer(const app::Config& config, const std::string& domainText, std::ostream& out,
                        std::ostream& err) {
  const auto domain = domainArgument(domainText, err);
  if (!domain) return 2;
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  return reportEdit(storage->network().remove(*domain), "remove " + *domain, out, err);
}

int enableNetworkServer(const app::Config& config, const std::string& domainText, bool enabled,
                        std::ostream& out, std::ostream& err) {
  const auto domain = domainArgument(domainText, err);
  if (!domain) return 2;
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  return reportEdit(storage->network().setEnabled(*domain, enabled),
                    (enabled ? "enable " : "disable ") + *domain, out, err);
}

int listNetworkServers(const app::Config& config, std::ostream& out, std::ostream& err) {
  auto storage = openForCommands(config, err);
  if (!storage) return 2;
  auto rows = storage->network().all();
  if (!rows) {
    err << "kontalkctl: cannot list the network's servers: " << rows.error().message << "\n";
    return 1;
  }
  for (const auto& row : *rows) {
    out << row.domain << " " << row.fingerprint.value_or("-") << " "
        << (row.enabled ? "enabled" : "disabled") << (row.removed ? " removed" : "") << "\n";
  }
  return 0;
}

}  // namespace kontalk::ctl
