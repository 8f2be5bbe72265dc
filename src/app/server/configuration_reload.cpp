#include "app/server/configuration_reload.hpp"

#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/server/module_set.hpp"
#include "config/document.hpp"
#include "config/document_diff.hpp"

namespace kontalk::app {
namespace {

// The keys reload() applies; any other change waits for a restart.
const std::set<std::string, std::less<>> kReloadableKeys = {"tls.certificate", "tls.private_key",
                                                            "log.level", "server.mode"};

admin::Response notReloaded(const std::string& why) {
  spdlog::error("reload: nothing changed: {}", why);
  return {false, "nothing reloaded, the running configuration stays: " + why + "\n"};
}

}  // namespace

void checkCertificateDomain(const net::CertificatePair& pair, const core::ServerSettings& server) {
  if (net::certificateNames(pair, server.domain)) return;
  const std::string problem = "the TLS certificate (" + net::describeCertificate(pair) +
                              ") does not name " + server.domain +
                              ": Kontalk clients will refuse it";
  if (server.isProduction()) throw std::runtime_error(problem + " ([server] mode = production)");
  spdlog::warn("{} (allowed in [server] mode = development)", problem);
}

ConfigurationReload::ConfigurationReload(const Config& running, net::ServerCertificate& certificate,
                                         std::function<void()> refreshNetworkList)
    : running_(running),
      startedWith_(readFile()),
      certificate_(certificate),
      refreshNetworkList_(std::move(refreshNetworkList)) {}

config::Value ConfigurationReload::readFile() const {
  if (running_.sourceFile.empty()) return config::Value{config::Value::Table{}, 0};
  return config::loadDocument(running_.sourceFile).root;
}

admin::Response ConfigurationReload::reload() {
  Config next;
  config::Value file;
  try {
    next = running_.sourceFile.empty() ? defaultConfig() : loadConfig(running_.sourceFile);
    checkModuleSettings(next.modules, next.sourceFile);
    file = readFile();
  } catch (const std::exception& e) {
    return notReloaded(e.what());
  }
  auto pair = net::loadCertificatePair(next.tls.certificate, next.tls.privateKey);
  if (!pair) return notReloaded(pair.error().message);
  core::ServerSettings checked = running_.server;  // the domain served now, the new mode
  checked.mode = next.server.mode;
  try {
    checkCertificateDomain(**pair, checked);
  } catch (const std::exception& e) {
    return notReloaded(e.what());
  }

  std::ostringstream report;
  if (!net::certificateNames(**pair, checked.domain)) {
    report << "warning: the TLS certificate does not name " << checked.domain
           << " (clients will refuse it; an error in production mode)\n";
  }
  certificate_.replace(*pair);
  report << "TLS certificate: " << net::describeCertificate(**pair) << "\n";
  spdlog::default_logger()->set_level(spdlog::level::from_str(next.log.level));
  report << "log level: " << next.log.level << "\n";
  if (refreshNetworkList_) {
    refreshNetworkList_();
    report << "network server list: re-read\n";
  }
  std::string restart;
  for (const auto& key : config::changedKeys(startedWith_, file)) {
    if (!kReloadableKeys.contains(key)) restart += (restart.empty() ? "" : ", ") + key;
  }
  if (!restart.empty()) {
    report << "changed since start, needs a restart (still running with the old values): "
           << restart << "\n";
  }
  spdlog::info("reload: {}", report.str());
  return {true, report.str()};
}

}  // namespace kontalk::app
