#pragma once
// [modules.register] (docs/configuration.md): providers, code lifetime, terms, throttling,
// private-key transfer lifetime. Read once at start; a bad value is a start-up error.

#include <chrono>
#include <cstddef>
#include <string>

#include "api/module.hpp"
#include "modules/register/checkmobi_provider.hpp"
#include "modules/register/http_provider.hpp"
#include "modules/register/throttle.hpp"
#include "modules/register/verify_api_provider.hpp"

namespace kontalk::modules::registration {

struct RegisterConfig {
  std::string provider = "log";
  std::string fallbackProvider;  // empty: none
  std::string fixedCode;         // the "fixed" provider's code
  std::chrono::seconds codeTtl{900};
  std::string termsUrl;  // non-empty: clients must accept the terms (spec §4.1)
  // Spec §0: the original server allowed 3 attempts per 30 s by IP, phone and 6-digit prefix.
  AttemptLimit throttleAddress{3, std::chrono::seconds(30)};
  AttemptLimit throttlePhone{3, std::chrono::seconds(30)};
  AttemptLimit throttlePrefix{3, std::chrono::seconds(30)};
  std::size_t prefixDigits = 6;
  std::string senderId = "KONTALK";
  std::chrono::seconds privateKeyTtl{86400};
  HttpProviderConfig http;
  VerifyApiConfig vonage;
  VerifyApiConfig jmp;
  CheckmobiConfig checkmobi;

  // Throws std::runtime_error naming the key when a value is malformed.
  static RegisterConfig read(const api::ModuleHost& host);
};

}  // namespace kontalk::modules::registration
