// kontalkctl: the operator's tool. Thin: parse the command line, load the configuration, run the
// chosen command from app/ctl.

#include <iostream>

#include <CLI/CLI.hpp>

#include "app/config/config.hpp"
#include "app/ctl/backup_command.hpp"
#include "app/ctl/cluster_commands.hpp"
#include "app/ctl/commands.hpp"
#include "app/ctl/import_command.hpp"
#include "app/ctl/key_commands.hpp"
#include "app/ctl/network_commands.hpp"
#include "app/ctl/storage_copy_command.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"kontalkctl — manage a Kontalk server"};
  cli.require_subcommand(1);
  std::string configFile;
  cli.add_option("-c,--config", configFile, "the server's TOML configuration file")
      ->check(CLI::ExistingFile);

  auto* user = cli.add_subcommand("user", "manage accounts")->require_subcommand(1);
  std::string jid;
  auto* add = user->add_subcommand("add", "create an account; the password is read from stdin");
  add->add_option("jid", jid, "bare JID of the account")->required();
  auto* passwd = user->add_subcommand("passwd", "change an account's password, read from stdin");
  passwd->add_option("jid", jid, "bare JID of the account")->required();
  auto* del = user->add_subcommand("del", "delete an account (ending its sessions)");
  del->add_option("jid", jid, "bare JID of the account")->required();
  auto* list = user->add_subcommand("list", "list the accounts, one bare JID per line");
  std::string importFile;
  auto* import =
      user->add_subcommand("import", "create accounts from precomputed SCRAM credentials");
  import
      ->add_option("file", importFile, "lines \"JID SCRAM-SHA-1$i:salt$stored:server\" (RFC 5803)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* key = cli.add_subcommand("key", "manage the server's OpenPGP key")->require_subcommand(1);
  auto* keyGenerate = key->add_subcommand("generate", "create the server key ([server] pgp_key)");
  auto* keyShow = key->add_subcommand("show", "print the fingerprint and the public key");
  auto* cluster = cli.add_subcommand("cluster", "the nodes of a cluster ([cluster] redis_url)")
                      ->require_subcommand(1);
  auto* clusterStatus = cluster->add_subcommand(
      "status", "list the nodes in the session directory, their liveness and sessions");
  auto* network =
      cli.add_subcommand("network", "edit the Kontalk network's server list (spec §7.1)")
          ->require_subcommand(1);
  std::string domain;
  std::string fingerprint;
  auto* networkAdd = network->add_subcommand("add", "add a server, enabled");
  networkAdd->add_option("domain", domain, "the server's domain")->required();
  networkAdd->add_option("fingerprint", fingerprint, "its OpenPGP key's fingerprint")->required();
  auto* networkRemove = network->add_subcommand("remove", "take a server out of the list");
  networkRemove->add_option("domain", domain, "the server's domain")->required();
  auto* networkEnable = network->add_subcommand("enable", "ask a server again");
  networkEnable->add_option("domain", domain, "the server's domain")->required();
  auto* networkDisable = network->add_subcommand("disable", "stop asking a server");
  networkDisable->add_option("domain", domain, "the server's domain")->required();
  auto* networkList = network->add_subcommand("list", "print the edits made with this command");
  auto* migrate = cli.add_subcommand("migrate", "apply pending storage migrations");
  auto* storageCommand =
      cli.add_subcommand("storage", "move stored data between backends")->require_subcommand(1);
  std::string copyFrom;
  std::string copyTo;
  auto* storageCopy = storageCommand->add_subcommand(
      "copy", "copy everything stored from one server's storage into another's, empty one");
  storageCopy->add_option("--from", copyFrom, "the source server's TOML configuration")
      ->required()
      ->check(CLI::ExistingFile);
  storageCopy->add_option("--to", copyTo, "the destination server's TOML configuration")
      ->required()
      ->check(CLI::ExistingFile);

  // Commands for the running server, over its admin socket ([admin] socket).
  auto* status = cli.add_subcommand(
      "status", "version, uptime, shards, sessions, memory and journal backlog of the server");
  auto* sessions =
      cli.add_subcommand("sessions", "the server's client sessions")->require_subcommand(1);
  std::string reason;
  auto* sessionsList = sessions->add_subcommand("list", "one line per bound session");
  sessionsList->add_option("--user", jid, "only this account's sessions (bare JID)");
  auto* sessionsKick = sessions->add_subcommand(
      "kick", "end a session (full JID) or all of an account's (bare JID), not resumable");
  sessionsKick->add_option("jid", jid, "full or bare JID")->required();
  sessionsKick->add_option("--reason", reason, "text sent with the stream error");
  auto* reload = cli.add_subcommand(
      "reload", "re-read the configuration, TLS certificate and network list (as SIGHUP)");
  std::string level;
  auto* logLevel = cli.add_subcommand("log-level", "change the server's log level until restart");
  logLevel->add_option("level", level, "trace, debug, info, warn or error")->required();
  std::string text;
  auto* broadcast =
      cli.add_subcommand("broadcast", "send a headline message to every online session");
  broadcast->add_option("text", text, "the message")->required();
  std::string backupFile;
  auto* backup = cli.add_subcommand(
      "backup", "copy the database to a file, safe while the server runs (online backup)");
  backup->add_option("--to", backupFile, "the backup file to write (replaced if it exists)")
      ->required();
  CLI11_PARSE(cli, argc, argv);
  namespace ctl = kontalk::ctl;
  // Names two configurations of its own instead of --config.
  if (*storageCopy) return ctl::copyStorageBetween(copyFrom, copyTo, std::cout, std::cerr);

  kontalk::app::Config config;
  try {
    config =
        configFile.empty() ? kontalk::app::defaultConfig() : kontalk::app::loadConfig(configFile);
  } catch (const kontalk::config::ConfigError& e) {
    std::cerr << "kontalkctl: " << e.what() << "\n";
    return 2;
  }
  if (*add) return ctl::addUser(config, jid, std::cin, std::cout, std::cerr);
  if (*del) return ctl::removeUser(config, jid, std::cout, std::cerr);
  if (*list) return ctl::listUsers(config, std::cout, std::cerr);
  if (*import) return ctl::importUsers(config, importFile, std::cout, std::cerr);
  if (*keyGenerate) return ctl::generateServerKey(config, std::cout, std::cerr);
  if (*keyShow) return ctl::showServerKey(config, std::cout, std::cerr);
  if (*networkAdd) return ctl::addNetworkServer(config, domain, fingerprint, std::cout, std::cerr);
  if (*networkRemove) return ctl::removeNetworkServer(config, domain, std::cout, std::cerr);
  if (*networkEnable) return ctl::enableNetworkServer(config, domain, true, std::cout, std::cerr);
  if (*networkDisable) return ctl::enableNetworkServer(config, domain, false, std::cout, std::cerr);
  if (*networkList) return ctl::listNetworkServers(config, std::cout, std::cerr);
  if (*clusterStatus) return ctl::printClusterStatus(config, std::cout, std::cerr);
  if (*migrate) return ctl::migrate(config, std::cout, std::cerr);
  if (*passwd) return ctl::changePassword(config, jid, std::cin, std::cout, std::cerr);
  auto ask = [&](const std::vector<std::string>& request) {
    return ctl::askRunningServer(config, request, std::cout, std::cerr);
  };
  if (*status) return ask({"status"});
  if (*sessionsList)
    return ask(jid.empty() ? std::vector<std::string>{"sessions", "list"}
                           : std::vector<std::string>{"sessions", "list", jid});
  if (*sessionsKick) return ask({"sessions", "kick", jid, reason});
  if (*reload) return ask({"reload"});
  if (*logLevel) return ask({"log-level", level});
  if (*broadcast) return ask({"broadcast", text});
  if (*backup) return ctl::backupDatabase(config, backupFile, std::cout, std::cerr);
  return 2;
}
