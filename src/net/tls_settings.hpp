#pragma once
// [tls]: the server's certificate and the TLS versions it accepts (options declared once,
// config/section.hpp).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <filesystem>

#include "config/section.hpp"

namespace kontalk::net {

enum class TlsVersion { Tls12, Tls13 };

struct TlsSettings {
  std::filesystem::path certificate = "tls/certificate.pem";  // generated (self-signed) if absent
  std::filesystem::path privateKey = "tls/private-key.pem";
  TlsVersion minVersion = TlsVersion::Tls12;
  // How long a TLS session ticket lets a client resume, and how long each ticket key encrypts
  // (net/session_ticket_keys.hpp); 0 turns resumption off.
  std::chrono::seconds sessionTicketLifetime = std::chrono::hours(12);
};

const config::Section<TlsSettings>& tlsOptions();

}  // namespace kontalk::net
