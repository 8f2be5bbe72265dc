// kontalkd: the Kontalk XMPP server. Thin: parse the command line, load the configuration,
// set up logging, run the server.

#include <csignal>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/server/server.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"
#include "core/process_limits.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"kontalkd — Kontalk XMPP server"};
  std::string configFile;
  cli.add_option("-c,--config", configFile,
                 "TOML configuration file (default: the embedded development setup: domain "
                 "localhost, data in ./var, listening on 127.0.0.1:5222 and :5223)")
      ->check(CLI::ExistingFile);
  bool checkOnly = false;
  cli.add_flag("--check-config", checkOnly, "validate the configuration and exit");
  cli.set_version_flag("--version", KONTALK_VERSION);
  CLI11_PARSE(cli, argc, argv);

  kontalk::core::Config config;
  try {
    config =
        configFile.empty() ? kontalk::core::defaultConfig() : kontalk::core::loadConfig(configFile);
  } catch (const kontalk::core::ConfigError& e) {
    fmt::print(stderr, "kontalkd: {}\n", e.what());
    return 2;
  }
  if (checkOnly) {
    fmt::print("configuration OK\n");
    return 0;
  }
  kontalk::core::configureLogging(config.log);
  // A peer that closes while we write must cost an EPIPE on that connection, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  spdlog::info("open file limit: {}", kontalk::core::raiseOpenFileLimit());
  try {
    kontalk::app::Server server(std::move(config));
    return server.run();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
}
