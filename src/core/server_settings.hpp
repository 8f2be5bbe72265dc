#pragma once
// [server] and [log]: what the process is and where it keeps its data and log (options declared
// once, config/section.hpp; docs/configuration.md is generated from the tables).
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <filesystem>
#include <string>

#include "config/section.hpp"

namespace kontalk::core {

struct ServerSettings {
  std::string domain = "localhost";
  std::filesystem::path dataDir = "var";
  unsigned threads = 0;  // 0 = one shard per core
  // The server's OpenPGP secret key (spec §1); generated on first start when absent.
  std::filesystem::path pgpKey = "pgp/server-key.sec";
  // "development" or "production": what a setup mistake costs. Production refuses to start with
  // a TLS certificate that does not name the domain (clients would refuse it); development only
  // warns, so that a laptop or a test runs with the generated self-signed certificate.
  std::string mode = "development";

  bool isProduction() const { return mode == "production"; }
};

struct LogSettings {
  std::string level = "info";
  std::string file;  // empty: standard error
};

const config::Section<ServerSettings>& serverOptions();
const config::Section<LogSettings>& logOptions();

}  // namespace kontalk::core
