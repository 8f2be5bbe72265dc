// kontalkd: the Kontalk XMPP server. Thin: parse the command line, load the configuration,
// set up logging, run the server.

#include <csignal>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/config/config.hpp"
#include "app/server/module_set.hpp"
#include "app/server/server.hpp"
#include "config/reference.hpp"
#include "core/logging.hpp"
#include "core/process_limits.hpp"

namespace {

// Every section this build knows: the core's, then each module's.
std::vector<kontalk::config::SectionReference> configurationReference() {
  auto sections = kontalk::app::coreReference();
  for (auto& section : kontalk::app::moduleReference()) sections.push_back(std::move(section));
  return sections;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"kontalkd — Kontalk XMPP server"};
  std::string configFile;
  cli.add_option("-c,--config", configFile,
                 "TOML configuration file (default: the embedded development setup: domain "
                 "localhost, data in ./var, listening on 127.0.0.1:5222 and :5223)")
      ->check(CLI::ExistingFile);
  bool checkOnly = false;
  cli.add_flag("--check-config", checkOnly, "validate the configuration and exit");
  bool printReference = false;
  cli.add_flag("--config-reference", printReference,
               "print every setting of this build as Markdown tables and exit");
  bool printExample = false;
  cli.add_flag("--example-config", printExample,
               "print a configuration file with every setting at its default and exit");
  cli.set_version_flag("--version", KONTALK_VERSION);
  CLI11_PARSE(cli, argc, argv);

  if (printReference || printExample) {
    const auto sections = configurationReference();
    fmt::print("{}", printReference ? kontalk::config::markdownReference(sections)
                                    : kontalk::config::exampleFile(sections));
    return 0;
  }
  kontalk::app::Config config;
  try {
    config =
        configFile.empty() ? kontalk::app::defaultConfig() : kontalk::app::loadConfig(configFile);
    kontalk::app::checkModuleSettings(config.modules, config.sourceFile);
  } catch (const kontalk::config::ConfigError& e) {
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
