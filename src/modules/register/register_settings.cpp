#include "modules/register/register_settings.hpp"

#include <utility>

namespace kontalk::modules::registration {
namespace {

using std::chrono::seconds;

// The provider names of spec §4.5 this build has. A function, not a global: the options table is
// built during static initialisation (the module's registration), in no defined order with this
// file's globals.
std::vector<std::string> providerNames() {
  return {"log", "fixed", "http", "vonage", "jmp", "checkmobi-missedcall", "checkmobi-callerid"};
}

config::ParsedCodec<AttemptLimit> attemptLimitCodec() {
  return {"\"ATTEMPTS/SECONDS\" or \"off\"", AttemptLimit::parse, [](const AttemptLimit& limit) {
            return limit.attempts == 0 ? std::string("off")
                                       : std::to_string(limit.attempts) + "/" +
                                             std::to_string(limit.window.count());
          }};
}

std::optional<std::string> checkProviders(const RegisterSettings& settings) {
  if (settings.fallbackProvider == settings.provider) {
    return "fallback_provider must differ from provider";
  }
  for (const auto& name : {settings.provider, settings.fallbackProvider}) {
    const auto needs = [&name](std::string_view option) {
      return "provider \"" + name + "\" needs " + std::string(option);
    };
    if (name == "fixed" && settings.fixedCode.empty()) return needs("fixed_code");
    if (name == "http" && settings.httpUrl.empty()) return needs("http_url");
    if (name == "vonage" && (settings.vonageApiKey.empty() || settings.vonageApiSecret.empty())) {
      return needs("vonage_api_key and vonage_api_secret");
    }
    if (name == "jmp" && (settings.jmpApiKey.empty() || settings.jmpApiSecret.empty())) {
      return needs("jmp_api_key and jmp_api_secret");
    }
    if (name.starts_with("checkmobi-") && settings.checkmobiApiKey.empty()) {
      return needs("checkmobi_api_key");
    }
  }
  return std::nullopt;
}

}  // namespace

HttpProviderConfig RegisterSettings::http() const {
  return HttpProviderConfig{httpUrl,     httpBody,        httpContentType, httpAuthorization,
                            httpTimeout, httpInsecureTls, senderId};
}

VerifyApiConfig RegisterSettings::vonage() const {
  return VerifyApiConfig{vonageUrl,   vonageApiKey, vonageApiSecret,
                         vonageBrand, senderId,     vonageTimeout};
}

VerifyApiConfig RegisterSettings::jmp() const {
  return VerifyApiConfig{jmpUrl, jmpApiKey, jmpApiSecret, jmpBrand, senderId, jmpTimeout};
}

CheckmobiConfig RegisterSettings::checkmobi() const {
  return CheckmobiConfig{checkmobiUrl, checkmobiApiKey, checkmobiTimeout};
}

const config::Section<RegisterSettings>& registerOptions() {
  static const config::Section<RegisterSettings> section(
      "modules.register",
      "Kontalk registration (spec §4): phone verification through a provider, code "
      "confirmation and key certification, key rollover, private key transfer; and certificate "
      "login (SASL EXTERNAL, spec §3).",
      [](config::SectionBuilder<RegisterSettings>& option) {
        using S = RegisterSettings;
        option.choice("provider", &S::provider, providerNames(),
                      "who verifies phone numbers: `log` writes the code to the server log and "
                      "to DATA_DIR/verification/<E.164 number> (development); `fixed` accepts "
                      "fixed_code (tests); `http` POSTs the code to an SMS gateway; `vonage` "
                      "and `jmp` are Verify APIs (pin); `checkmobi-missedcall` and "
                      "`checkmobi-callerid` verify by a call (spec §4.5)");
        auto fallbacks = providerNames();
        fallbacks.insert(fallbacks.begin(), "");
        option.choice("fallback_provider", &S::fallbackProvider, fallbacks,
                      "tried once when provider fails to start a verification, and used when a "
                      "client asks for `fallback`; empty: none");
        option.text("fixed_code", &S::fixedCode,
                    "the `fixed` provider's code (at most 32 characters)");
        option.duration("code_ttl", &S::codeTtl, seconds(1), seconds(7 * 86400),
                        "seconds a code is valid; codes are single-use, and a verification is "
                        "dropped after 5 wrong codes");
        option.text("terms_url", &S::termsUrl,
                    "when set, the registration form shows these terms and clients must send "
                    "accept-terms");
        option.parsed("throttle_ip", &S::throttleAddress, attemptLimitCodec(),
                      "verification requests per window of seconds by client IP (spec §0); "
                      "refused with service-unavailable (wait), \"Too many attempts.\"");
        option.parsed("throttle_phone", &S::throttlePhone, attemptLimitCodec(),
                      "verification requests per window by phone number");
        option.parsed("throttle_prefix", &S::throttlePrefix, attemptLimitCodec(),
                      "verification requests per window by phone prefix");
        option.integer("throttle_prefix_digits", &S::prefixDigits, std::size_t{1}, std::size_t{15},
                       "digits of the prefix throttle_prefix counts by");
        option.parsed("throttle_code_ip", &S::throttleCodeAddress, attemptLimitCodec(),
                      "code submissions (spec §4.2) per window by client IP, checked before the "
                      "submitted key is read; refused like throttle_ip");
        option.parsed("throttle_code_user", &S::throttleCodeUser, attemptLimitCodec(),
                      "code submissions per window for one account (the JID the submitted key "
                      "names)");
        option.text("sender_id", &S::senderId, "the sender shown to the user (the form's `from`)");
        option.duration(
            "private_key_ttl", &S::privateKeyTtl, seconds(60), seconds(30 * 86400),
            "seconds a private key parked for transfer (spec §4.4) waits for its token");
        option.text("http_url", &S::httpUrl,
                    "the SMS gateway endpoint, http or https (required with provider `http`)");
        option.text("http_body", &S::httpBody,
                    "the gateway request body; {phone}, {code} and {sender} are replaced, "
                    "escaped for http_content_type");
        option.text("http_content_type", &S::httpContentType,
                    "the gateway request's content type; one containing `json` escapes the "
                    "placeholders as JSON strings");
        option.text("http_authorization", &S::httpAuthorization,
                    "an Authorization header value for the gateway; empty: none");
        option.duration("http_timeout", &S::httpTimeout, seconds(1), seconds(120),
                        "seconds the gateway has to answer; a non-2xx answer is a failure");
        option.flag("http_insecure_tls", &S::httpInsecureTls,
                    "skip the gateway's certificate checks: only for tests against a "
                    "self-signed local gateway");
        option.parsed("vonage_url", &S::vonageUrl, config::httpUrlCodec(),
                      "the Vonage Verify API's base URL");
        option.text("vonage_api_key", &S::vonageApiKey, "Vonage API key");
        option.text("vonage_api_secret", &S::vonageApiSecret, "Vonage API secret");
        option.text("vonage_brand", &S::vonageBrand, "the name Vonage puts into its message");
        option.duration("vonage_timeout", &S::vonageTimeout, seconds(1), seconds(120),
                        "seconds Vonage has to answer");
        option.parsed("jmp_url", &S::jmpUrl, config::httpUrlCodec(),
                      "the JMP verify API's base URL");
        option.text("jmp_api_key", &S::jmpApiKey, "JMP API key");
        option.text("jmp_api_secret", &S::jmpApiSecret, "JMP API secret");
        option.text("jmp_brand", &S::jmpBrand, "the name JMP puts into its message");
        option.duration("jmp_timeout", &S::jmpTimeout, seconds(1), seconds(120),
                        "seconds JMP has to answer");
        option.parsed("checkmobi_url", &S::checkmobiUrl, config::httpUrlCodec(),
                      "the Checkmobi API's base URL, up to the API version");
        option.text("checkmobi_api_key", &S::checkmobiApiKey, "Checkmobi API key");
        option.duration("checkmobi_timeout", &S::checkmobiTimeout, seconds(1), seconds(120),
                        "seconds Checkmobi has to answer");
      },
      [](const RegisterSettings& settings) -> std::optional<std::string> {
        if (settings.fixedCode.size() > 32) return "fixed_code is longer than 32 characters";
        return checkProviders(settings);
      });
  return section;
}

}  // namespace kontalk::modules::registration
