#include "net/tls_settings.hpp"

namespace kontalk::net {

const config::Section<TlsSettings>& tlsOptions() {
  static const config::Section<TlsSettings> section(
      "tls",
      "TLS for client connections (ARCHITECTURE.md §8). Clients are asked for a certificate "
      "(optional) and any certificate is accepted at the TLS layer: Kontalk's bridge "
      "certificates are checked by SASL EXTERNAL, not by X.509 (spec §2).",
      [](config::SectionBuilder<TlsSettings>& option) {
        option.path("certificate", &TlsSettings::certificate,
                    "PEM certificate chain (relative to data_dir); a self-signed one is generated "
                    "when it or the key is missing");
        option.path("private_key", &TlsSettings::privateKey,
                    "PEM private key (relative to data_dir)");
        option.choice("min_version", &TlsSettings::minVersion,
                      {{"1.2", TlsVersion::Tls12}, {"1.3", TlsVersion::Tls13}},
                      "oldest TLS version accepted");
        option.duration("session_ticket_lifetime", &TlsSettings::sessionTicketLifetime,
                        std::chrono::seconds(0), std::chrono::seconds(7 * 86400),
                        "how long a session ticket lets a reconnecting client skip the full TLS "
                        "handshake; ticket keys rotate at the same interval and live in memory "
                        "only; 0 turns resumption off");
      });
  return section;
}

}  // namespace kontalk::net
