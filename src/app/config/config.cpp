#include "app/config/config.hpp"

#include <set>

#include "config/document.hpp"

namespace kontalk::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModulesSection = "modules";

std::vector<std::string> moduleNames(const config::Value& value, const std::string& file) {
  std::vector<std::string> names;
  const auto* array = value.array();
  for (const auto& name : array != nullptr ? *array : config::Value::Array{}) {
    if (name.string() == nullptr) break;
    names.push_back(*name.string());
  }
  if (array == nullptr || names.size() != array->size()) {
    config::throwConfigError(file, value.line, kModulesSection, "enabled",
                             "must be an array of module names");
  }
  return names;
}

// [modules]: `enabled`, and one table per module (read later by the module's own options).
ModulesSettings readModules(const config::Value* value, const std::string& file) {
  ModulesSettings modules;
  if (value == nullptr) return modules;
  const auto* table = value->table();
  if (table == nullptr)
    config::throwConfigError(file, value->line, kModulesSection, "", "must be a table");
  for (const auto& [key, entry] : *table) {
    if (key == "enabled") {
      modules.enabled = moduleNames(entry, file);
      modules.enabledLine = entry.line;
    } else if (entry.table() != nullptr) {
      modules.sections.emplace(key, entry);
    } else {
      config::throwConfigError(file, entry.line, kModulesSection, key,
                               "is not a known setting (known: enabled, and one [modules.NAME] "
                               "table per module)");
    }
  }
  return modules;
}

void resolvePaths(Config& config, const fs::path& configDir) {
  auto& dataDir = config.server.dataDir;
  if (dataDir.is_relative()) dataDir = configDir / dataDir;
  for (fs::path* path : {&config.tls.certificate, &config.tls.privateKey, &config.server.pgpKey,
                         &config.admin.socket}) {
    if (path->is_relative()) *path = dataDir / *path;
  }
  if (!config.s2s.caFile.empty() && config.s2s.caFile.is_relative()) {
    config.s2s.caFile = dataDir / config.s2s.caFile;
  }
  if (fs::path database = config.storage.path; database.is_relative()) {
    config.storage.path = (dataDir / database).string();
  }
  if (!config.log.file.empty() && fs::path(config.log.file).is_relative()) {
    config.log.file = (configDir / config.log.file).string();
  }
}

const config::Value* section(const config::Value::Table& root, std::string_view name) {
  const auto found = root.find(name);
  return found == root.end() ? nullptr : &found->second;
}

}  // namespace

Config loadConfig(const fs::path& file) {
  const config::Document document = config::loadDocument(file);
  const auto& root = *document.root.table();
  static const std::set<std::string, std::less<>> kSections = {
      "server",  "c2s",    "s2s", "http",  "tls",          "storage",
      "cluster", "limits", "log", "admin", kModulesSection};
  for (const auto& [name, value] : root) {
    if (!kSections.contains(name)) {
      config::throwConfigError(document.file, value.line, name, "", "is not a known section");
    }
  }
  Config config;
  config.sourceFile = document.file;
  config.server = core::serverOptions().read(section(root, "server"), document.file);
  config.c2s = stream::c2sOptions().read(section(root, "c2s"), document.file);
  config.s2s = s2s::s2sOptions().read(section(root, "s2s"), document.file);
  config.http = http::httpOptions().read(section(root, "http"), document.file);
  config.tls = net::tlsOptions().read(section(root, "tls"), document.file);
  config.storage = storage::storageOptions().read(section(root, "storage"), document.file);
  config.cluster = cluster::clusterOptions().read(section(root, "cluster"), document.file);
  if (config.cluster.enabled() && config.storage.backend != "postgresql") {
    // Every node must see every account and every journal record.
    const auto* table = section(root, "cluster");
    config::throwConfigError(document.file, table != nullptr ? table->line : 0, "cluster",
                             "redis_url",
                             "needs [storage] backend = \"postgresql\", shared by the nodes");
  }
  config.limits = stream::limitsOptions().read(section(root, "limits"), document.file);
  config.log = core::logOptions().read(section(root, "log"), document.file);
  config.admin = adminOptions().read(section(root, "admin"), document.file);
  config.modules = readModules(section(root, kModulesSection), document.file);
  resolvePaths(config, fs::absolute(file).parent_path());
  return config;
}

Config defaultConfig() {
  Config config;
  resolvePaths(config, fs::current_path());
  return config;
}

std::vector<config::SectionReference> coreReference() {
  return {core::serverOptions().reference(),     stream::c2sOptions().reference(),
          s2s::s2sOptions().reference(),         http::httpOptions().reference(),
          net::tlsOptions().reference(),         storage::storageOptions().reference(),
          cluster::clusterOptions().reference(), stream::limitsOptions().reference(),
          core::logOptions().reference(),        adminOptions().reference()};
}

}  // namespace kontalk::app
