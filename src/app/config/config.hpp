#pragma once
// The server's configuration: one TOML file (docs/configuration.md lists every key), made of the
// sections each layer declares (options declared once, config/section.hpp) and the [modules]
// section, whose tables each module's descriptor reads (api/module_descriptor.hpp).
// Loading validates everything up front: a bad file is a start-up error naming file, line and
// key, never a surprise later.
//
// Threading: loaded once on the main thread; read-only afterwards.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/config/admin_settings.hpp"
#include "cluster/cluster_settings.hpp"
#include "config/config_error.hpp"
#include "config/value.hpp"
#include "core/server_settings.hpp"
#include "http/http_settings.hpp"
#include "net/tls_settings.hpp"
#include "s2s/s2s_settings.hpp"
#include "storage/storage_settings.hpp"
#include "stream/c2s_settings.hpp"

namespace kontalk::app {

struct ModulesSettings {
  // [modules] enabled = [...]: the modules to start; nullopt: every module the build has.
  std::optional<std::vector<std::string>> enabled;
  int enabledLine = 0;  // for messages
  // [modules.<name>] tables, validated by each module's options when the server starts.
  std::map<std::string, config::Value, std::less<>> sections;
};

struct Config {
  core::ServerSettings server;
  stream::C2sSettings c2s;
  kontalk::s2s::S2sSettings s2s;  // qualified: the member's name is the namespace's
  http::HttpSettings http;
  net::TlsSettings tls;
  storage::StorageSettings storage;
  cluster::ClusterSettings cluster;
  stream::LimitsSettings limits;
  core::LogSettings log;
  AdminSettings admin;
  ModulesSettings modules;
  // The file it came from, for messages ("" for the embedded default). After loading, every path
  // above is absolute or relative to the working directory: data_dir is resolved against the
  // file's directory, tls.*, s2s.ca_file, server.pgp_key, storage.path and admin.socket against
  // data_dir.
  std::string sourceFile;
};

// Reads and validates a file. Throws config::ConfigError naming file, line and key.
Config loadConfig(const std::filesystem::path& file);
// The embedded default: domain localhost, data under ./var, SQLite, loopback listeners.
Config defaultConfig();

// The reference of every core section, in file order (docs/configuration.md, the example file).
std::vector<config::SectionReference> coreReference();

}  // namespace kontalk::app
