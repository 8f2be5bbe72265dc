#include "modules/network/network_settings.hpp"

#include <set>

namespace kontalk::modules::network {
namespace {

// One [[modules.network.servers]] table: domain, fingerprint, enabled (default true).
std::optional<std::string> readServer(const config::Value::Table& table,
                                      api::NetworkServer& server) {
  for (const auto& [key, value] : table) {
    if (key == "domain") {
      const auto* text = value.string();
      auto domain = text != nullptr ? api::normalizeDomain(*text) : std::nullopt;
      if (!domain) return "has a domain that is not a valid domain name";
      server.domain = std::move(*domain);
    } else if (key == "fingerprint") {
      const auto* text = value.string();
      auto fingerprint = text != nullptr ? api::normalizeFingerprint(*text) : std::nullopt;
      if (!fingerprint) return "has a fingerprint that is not 40 hexadecimal digits";
      server.fingerprint = std::move(*fingerprint);
    } else if (key == "enabled") {
      const auto* flag = value.boolean();
      if (flag == nullptr) return "has an enabled that is not a boolean";
      server.enabled = *flag;
    } else {
      return "has an unknown key " + key + " (known: domain, fingerprint, enabled)";
    }
  }
  if (server.domain.empty() || server.fingerprint.empty()) return "lacks domain or fingerprint";
  return std::nullopt;
}

std::string printServer(const api::NetworkServer& server) {
  return "{ domain = " + config::quoteToml(server.domain) +
         ", fingerprint = " + config::quoteToml(server.fingerprint) +
         ", enabled = " + (server.enabled ? "true" : "false") + " }";
}

}  // namespace

const config::Section<NetworkSettings>& networkOptions() {
  static const config::Section<NetworkSettings> section(
      "modules.network",
      "The Kontalk network (spec §7): its other servers, asked by roster match and registration "
      "and listed by network@DOMAIN. `kontalkctl network add|remove|enable|disable` edits win "
      "over this list and reach a running server within seconds.",
      [](config::SectionBuilder<NetworkSettings>& option) {
        option.tableList("servers", &NetworkSettings::servers,
                         config::TableListCodec<api::NetworkServer>{
                             "{ domain = \"DOMAIN\", fingerprint = \"40 HEX DIGITS\", enabled = "
                             "true }",
                             readServer, printServer},
                         "the other servers ([[modules.network.servers]] tables): domain, its "
                         "OpenPGP key's fingerprint, enabled (default true)");
        option.duration("probe_timeout", &NetworkSettings::probeTimeout, std::chrono::seconds(1),
                        std::chrono::seconds(60),
                        "how long a roster match or registration check waits for the peers");
      },
      // Spec §7.1: a domain is listed once.
      [](const NetworkSettings& settings) -> std::optional<std::string> {
        std::set<std::string> seen;
        for (const auto& server : settings.servers) {
          if (!seen.insert(server.domain).second)
            return "servers lists " + server.domain + " twice";
        }
        return std::nullopt;
      });
  return section;
}

}  // namespace kontalk::modules::network
