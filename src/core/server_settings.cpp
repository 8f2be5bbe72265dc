#include "core/server_settings.hpp"

namespace kontalk::core {

const config::Section<ServerSettings>& serverOptions() {
  static const config::Section<ServerSettings> section(
      "server", "The XMPP domain this server serves and where it keeps its data.",
      [](config::SectionBuilder<ServerSettings>& option) {
        option.text("domain", &ServerSettings::domain, "the XMPP domain served");
        option.path("data_dir", &ServerSettings::dataDir,
                    "database, generated TLS certificate and keys; created with mode 0700 "
                    "(relative to the config file's directory)");
        option.integer("threads", &ServerSettings::threads, 0u, 256u,
                       "event-loop shards, one thread each; 0 = one per CPU core");
        option.path("pgp_key", &ServerSettings::pgpKey,
                    "the server's OpenPGP secret key (binary, unprotected, mode 0600; relative to "
                    "data_dir): it certifies users' keys and is the trust anchor of certificate "
                    "login. Generated on first start when missing; `kontalkctl key generate` "
                    "creates it, `kontalkctl key show` prints it");
        option.choice("mode", &ServerSettings::mode, {"development", "production"},
                      "production: a TLS certificate that does not name the domain (clients "
                      "refuse it) is a start-up and reload error, not a warning");
      },
      [](const ServerSettings& settings) -> std::optional<std::string> {
        if (settings.domain.empty()) return "domain must not be empty";
        return std::nullopt;
      });
  return section;
}

const config::Section<LogSettings>& logOptions() {
  static const config::Section<LogSettings> section(
      "log", "What the server logs and where.", [](config::SectionBuilder<LogSettings>& option) {
        option.choice("level", &LogSettings::level, {"trace", "debug", "info", "warn", "error"},
                      "the least severe level written");
        option.text("file", &LogSettings::file,
                    "log file (relative to the config file's directory); empty = standard error");
      });
  return section;
}

}  // namespace kontalk::core
