#pragma once
// [modules.register] (Kontalk registration, spec §4): providers, code lifetime, terms,
// throttling, private-key transfer lifetime. Options declared once (config/section.hpp); a bad
// value is a start-up error.
// Threading: values; the option table is built once and read-only afterwards; any thread.

#include <chrono>
#include <cstddef>
#include <string>

#include "config/section.hpp"
#include "modules/register/checkmobi_provider.hpp"
#include "modules/register/http_provider.hpp"
#include "modules/register/throttle.hpp"
#include "modules/register/verify_api_provider.hpp"

namespace kontalk::modules::registration {

struct RegisterSettings {
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
  // Code submissions (spec §4.2): more than a user mistyping needs (a verification survives 5
  // wrong codes), few enough that a flood of submissions with large keys costs the server little.
  AttemptLimit throttleCodeAddress{10, std::chrono::seconds(60)};
  AttemptLimit throttleCodeUser{5, std::chrono::seconds(60)};
  std::string senderId = "KONTALK";
  std::chrono::seconds privateKeyTtl{86400};
  // The SMS gateway provider ("http").
  std::string httpUrl;
  std::string httpBody = "to={phone}&from={sender}&text=Your+Kontalk+code+is+{code}";
  std::string httpContentType = "application/x-www-form-urlencoded";
  std::string httpAuthorization;
  std::chrono::seconds httpTimeout{10};
  bool httpInsecureTls = false;
  // Spec §4.5 Verify-API providers; the default URLs are the services' own.
  std::string vonageUrl = "https://api.nexmo.com";
  std::string vonageApiKey;
  std::string vonageApiSecret;
  std::string vonageBrand = "Kontalk";
  std::chrono::seconds vonageTimeout{10};
  std::string jmpUrl = "https://jvr.api.jmp.chat";
  std::string jmpApiKey;
  std::string jmpApiSecret;
  std::string jmpBrand = "Kontalk";
  std::chrono::seconds jmpTimeout{10};
  std::string checkmobiUrl = "https://api.checkmobi.com/v1";
  std::string checkmobiApiKey;
  std::chrono::seconds checkmobiTimeout{10};

  HttpProviderConfig http() const;
  VerifyApiConfig vonage() const;
  VerifyApiConfig jmp() const;
  CheckmobiConfig checkmobi() const;
};

const config::Section<RegisterSettings>& registerOptions();

}  // namespace kontalk::modules::registration
