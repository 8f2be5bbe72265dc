#include "core/config.hpp"

#include <charconv>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <toml.hpp>

namespace kontalk::core {
namespace {

namespace fs = std::filesystem;

// Reads one [section] of the file. Every key read is remembered so that finish() can reject keys
// nobody read: a misspelt key is a start-up error, not a silently ignored setting.
class SectionReader {
 public:
  SectionReader(const toml::value& root, std::string name, const fs::path& file)
      : name_(std::move(name)), file_(file) {
    if (root.contains(name_)) {
      const auto& section = root.at(name_);
      if (!section.is_table()) fail("", "must be a table");
      table_ = &section.as_table();
    }
  }

  template <typename T>
  void read(const std::string& key, T& target) {
    known_.insert(key);
    if (table_ == nullptr || !table_->contains(key)) return;
    try {
      target = toml::get<T>(table_->at(key));
    } catch (const std::exception&) {
      fail(key, "has the wrong type");
    }
  }

  // TOML tells integers from floats; a rate written as 200 is as good as 200.0.
  void readNumber(const std::string& key, double& target) {
    known_.insert(key);
    if (table_ == nullptr || !table_->contains(key)) return;
    const auto& value = table_->at(key);
    if (value.is_integer()) {
      target = static_cast<double>(value.as_integer());
    } else if (value.is_floating()) {
      target = value.as_floating();
    } else {
      fail(key, "must be a number");
    }
  }

  void readSeconds(const std::string& key, std::chrono::seconds& target) {
    std::int64_t seconds = target.count();
    read(key, seconds);
    if (seconds <= 0) fail(key, "must be a positive number of seconds");
    target = std::chrono::seconds(seconds);
  }

  void readSize(const std::string& key, std::size_t& target) {
    std::int64_t value = static_cast<std::int64_t>(target);
    read(key, value);
    if (value <= 0) fail(key, "must be a positive integer");
    target = static_cast<std::size_t>(value);
  }

  void readAddresses(const std::string& key, std::vector<ListenAddress>& target) {
    known_.insert(key);
    if (table_ == nullptr || !table_->contains(key)) return;
    std::vector<std::string> texts;
    read(key, texts);
    target.clear();
    for (const auto& text : texts) {
      auto address = parseListenAddress(text);
      if (!address) fail(key, fmt::format("has an invalid address \"{}\" (want host:port)", text));
      target.push_back(*address);
    }
  }

  // Rejects keys that no read() asked for.
  void finish() const {
    if (table_ == nullptr) return;
    for (const auto& [key, value] : *table_) {
      if (!known_.contains(key)) fail(key, "is not a known setting");
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    const std::string where =
        key.empty() ? fmt::format("[{}]", name_) : fmt::format("[{}] {}", name_, key);
    throw ConfigError(fmt::format("{}: {} {}", file_.string(), where, problem));
  }

 private:
  std::string name_;
  const fs::path& file_;
  const toml::table* table_ = nullptr;
  std::set<std::string> known_;
};

// Module sections are free-form: [modules.<name>] key = value, read by the module itself.
std::map<std::string, std::map<std::string, std::string>> readModuleSections(
    const toml::value& root, const fs::path& file) {
  std::map<std::string, std::map<std::string, std::string>> modules;
  if (!root.contains("modules")) return modules;
  const auto& table = root.at("modules");
  if (!table.is_table()) throw ConfigError(file.string() + ": [modules] must be a table");
  for (const auto& [module, section] : table.as_table()) {
    if (!section.is_table()) {
      throw ConfigError(fmt::format("{}: [modules.{}] must be a table", file.string(), module));
    }
    auto& values = modules[module];
    for (const auto& [key, value] : section.as_table()) {
      values[key] = value.is_string() ? value.as_string().str : toml::format(value);
    }
  }
  return modules;
}

void checkSections(const toml::value& root, const fs::path& file) {
  static const std::set<std::string> kSections = {"server", "c2s", "tls",    "storage",
                                                  "limits", "log", "modules"};
  for (const auto& [name, value] : root.as_table()) {
    if (!kSections.contains(name)) {
      throw ConfigError(fmt::format("{}: [{}] is not a known section", file.string(), name));
    }
  }
}

void resolvePaths(Config& config, const fs::path& configDir) {
  auto& dataDir = config.server.dataDir;
  if (dataDir.is_relative()) dataDir = configDir / dataDir;
  // Data files default to, and resolve relative to, the data directory.
  auto inDataDir = [&](fs::path& path, const char* fallback) {
    if (path.empty()) path = fallback;
    if (path.is_relative()) path = dataDir / path;
  };
  inDataDir(config.tls.certificate, "tls/certificate.pem");
  inDataDir(config.tls.privateKey, "tls/private-key.pem");
  inDataDir(config.server.pgpKey, "pgp/server-key.sec");
  fs::path database = config.storage.path;
  inDataDir(database, "kontalk.sqlite");
  config.storage.path = database.string();
  if (!config.log.file.empty() && fs::path(config.log.file).is_relative()) {
    config.log.file = (configDir / config.log.file).string();
  }
}

void validate(const Config& config, const fs::path& file) {
  auto fail = [&](const std::string& problem) {
    throw ConfigError(fmt::format("{}: {}", file.string(), problem));
  };
  if (config.server.domain.empty()) fail("[server] domain must not be empty");
  if (config.c2s.listen.empty() && config.c2s.directTls.empty()) {
    fail("[c2s] needs at least one address in listen or direct_tls");
  }
  if (config.c2s.resourceConflict != "replace" && config.c2s.resourceConflict != "refuse") {
    fail("[c2s] resource_conflict must be \"replace\" or \"refuse\"");
  }
  if (config.c2s.certificateLogin != "exclusive" && config.c2s.certificateLogin != "also") {
    fail("[c2s] certificate_login must be \"exclusive\" or \"also\"");
  }
  if (config.tls.minVersion != "1.2" && config.tls.minVersion != "1.3") {
    fail("[tls] min_version must be \"1.2\" or \"1.3\"");
  }
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (!kLevels.contains(config.log.level)) {
    fail("[log] level must be one of trace, debug, info, warn, error");
  }
  if (config.storage.backend != "sqlite") {
    fail("[storage] backend \"" + config.storage.backend + "\" is not supported (use \"sqlite\")");
  }
  if (config.storage.synchronous != "full" && config.storage.synchronous != "normal") {
    fail("[storage] synchronous must be \"full\" or \"normal\"");
  }
  if (config.limits.stanzasPerSecond <= 0 || config.limits.stanzaBurst < 1) {
    fail("[limits] stanzas_per_second must be positive and stanza_burst at least 1");
  }
}

}  // namespace

std::string ListenAddress::toString() const {
  // IPv6 literals need brackets to keep the port separator unambiguous.
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::optional<ListenAddress> parseListenAddress(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view portText = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (error != std::errc() || end != portText.data() + portText.size() || port > 65535) {
    return std::nullopt;
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

Config defaultConfig() {
  Config config;
  resolvePaths(config, fs::current_path());
  return config;
}

Config loadConfig(const fs::path& file) {
  toml::value root;
  try {
    root = toml::parse(file.string());
  } catch (const std::exception& e) {
    throw ConfigError(fmt::format("cannot read config {}: {}", file.string(), e.what()));
  }
  checkSections(root, file);

  Config config;
  config.sourceFile = fs::absolute(file);

  SectionReader server(root, "server", file);
  server.read("domain", config.server.domain);
  std::string dataDir = config.server.dataDir.string();
  server.read("data_dir", dataDir);
  config.server.dataDir = dataDir;
  std::int64_t threads = 0;
  server.read("threads", threads);
  if (threads < 0 || threads > 256) server.fail("threads", "must be between 0 and 256");
  config.server.threads = static_cast<unsigned>(threads);
  std::string pgpKey;
  server.read("pgp_key", pgpKey);
  config.server.pgpKey = pgpKey;
  server.finish();

  SectionReader c2s(root, "c2s", file);
  c2s.readAddresses("listen", config.c2s.listen);
  c2s.readAddresses("direct_tls", config.c2s.directTls);
  c2s.read("require_tls", config.c2s.requireTls);
  c2s.read("allow_plain_without_tls", config.c2s.allowPlainWithoutTls);
  c2s.read("resource_conflict", config.c2s.resourceConflict);
  c2s.readSeconds("idle_timeout", config.c2s.idleTimeout);
  c2s.readSeconds("auth_timeout", config.c2s.authTimeout);
  c2s.readSeconds("keepalive_interval", config.c2s.keepaliveInterval);
  c2s.readSize("max_sessions_per_user", config.c2s.maxSessionsPerUser);
  c2s.readSize("max_auth_failures", config.c2s.maxAuthFailures);
  c2s.readSeconds("resumption_timeout", config.c2s.resumptionTimeout);
  c2s.readSeconds("ack_timeout", config.c2s.ackTimeout);
  c2s.readSize("max_unacknowledged", config.c2s.maxUnacknowledged);
  c2s.read("certificate_login", config.c2s.certificateLogin);
  c2s.readSeconds("ping_timeout", config.c2s.pingTimeout);
  c2s.finish();

  SectionReader tls(root, "tls", file);
  std::string certificate, privateKey;
  tls.read("certificate", certificate);
  tls.read("private_key", privateKey);
  tls.read("min_version", config.tls.minVersion);
  config.tls.certificate = certificate;
  config.tls.privateKey = privateKey;
  tls.finish();

  SectionReader storage(root, "storage", file);
  storage.read("backend", config.storage.backend);
  storage.read("path", config.storage.path);
  storage.read("synchronous", config.storage.synchronous);
  storage.finish();

  SectionReader limits(root, "limits", file);
  auto& parser = config.limits.parser;
  limits.readSize("max_stanza_bytes", parser.maxStanzaBytes);
  limits.readSize("max_depth", parser.maxDepth);
  limits.readSize("max_attributes", parser.maxAttributes);
  limits.readSize("max_text_bytes", parser.maxTextBytes);
  limits.readSize("max_children", parser.maxChildren);
  limits.readSize("max_name_bytes", parser.maxNameBytes);
  limits.readNumber("stanzas_per_second", config.limits.stanzasPerSecond);
  limits.readNumber("stanza_burst", config.limits.stanzaBurst);
  limits.readSize("max_connections", config.limits.maxConnections);
  limits.readSize("max_outbound_queue_bytes", config.limits.maxOutboundQueueBytes);
  limits.finish();

  SectionReader log(root, "log", file);
  log.read("level", config.log.level);
  log.read("file", config.log.file);
  log.finish();

  config.modules = readModuleSections(root, file);
  resolvePaths(config, config.sourceFile.parent_path());
  validate(config, file);
  return config;
}

}  // namespace kontalk::core
