#include "modules/register/register_config.hpp"

#include <charconv>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace kontalk::modules::registration {
namespace {

constexpr std::string_view kModule = "register";

class Reader {
 public:
  explicit Reader(const api::ModuleHost& host) : host_(host) {}

  std::string text(std::string_view key, std::string_view fallback) const {
    return host_.configString(kModule, key, fallback);
  }

  std::int64_t number(std::string_view key, std::int64_t fallback, std::int64_t min,
                      std::int64_t max) const {
    const std::string value = text(key, std::to_string(fallback));
    std::int64_t parsed = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || end != value.data() + value.size() || parsed < min ||
        parsed > max) {
      throw std::runtime_error(
          bad(key, value, "an integer from " + std::to_string(min) + " to " + std::to_string(max)));
    }
    return parsed;
  }

  bool flag(std::string_view key, bool fallback) const {
    const std::string value = text(key, fallback ? "true" : "false");
    if (value == "true") return true;
    if (value == "false") return false;
    throw std::runtime_error(bad(key, value, "true or false"));
  }

  // An http:// or https:// URL; a trailing '/' is dropped (paths are appended to it).
  std::string url(std::string_view key, std::string_view fallback) const {
    std::string value = text(key, fallback);
    if (value.empty()) return value;
    if (!value.starts_with("http://") && !value.starts_with("https://")) {
      throw std::runtime_error(bad(key, value, "an http:// or https:// URL"));
    }
    while (value.ends_with('/')) value.pop_back();
    return value;
  }

  AttemptLimit limit(std::string_view key, AttemptLimit fallback) const {
    const std::string value = text(key, "");
    if (value.empty()) return fallback;
    const auto parsed = AttemptLimit::parse(value);
    if (!parsed) throw std::runtime_error(bad(key, value, "\"ATTEMPTS/SECONDS\" or \"off\""));
    return *parsed;
  }

 private:
  static std::string bad(std::string_view key, std::string_view value, std::string_view wanted) {
    return "[modules.register] " + std::string(key) + " = \"" + std::string(value) +
           "\": expected " + std::string(wanted);
  }

  const api::ModuleHost& host_;
};

}  // namespace

RegisterConfig RegisterConfig::read(const api::ModuleHost& host) {
  const Reader reader(host);
  RegisterConfig config;
  config.provider = reader.text("provider", config.provider);
  config.fallbackProvider = reader.text("fallback_provider", "");
  config.fixedCode = reader.text("fixed_code", "");
  config.codeTtl = std::chrono::seconds(reader.number("code_ttl", 900, 1, 7 * 86400));
  config.termsUrl = reader.text("terms_url", "");
  config.throttleAddress = reader.limit("throttle_ip", config.throttleAddress);
  config.throttlePhone = reader.limit("throttle_phone", config.throttlePhone);
  config.throttlePrefix = reader.limit("throttle_prefix", config.throttlePrefix);
  config.prefixDigits = static_cast<std::size_t>(reader.number("throttle_prefix_digits", 6, 1, 15));
  config.senderId = reader.text("sender_id", config.senderId);
  config.privateKeyTtl =
      std::chrono::seconds(reader.number("private_key_ttl", 86400, 60, 30 * 86400));

  config.http.url = reader.text("http_url", "");
  config.http.body =
      reader.text("http_body", "to={phone}&from={sender}&text=Your+Kontalk+code+is+{code}");
  config.http.contentType = reader.text("http_content_type", "application/x-www-form-urlencoded");
  config.http.authorization = reader.text("http_authorization", "");
  config.http.timeout = std::chrono::seconds(reader.number("http_timeout", 10, 1, 120));
  config.http.insecureTls = reader.flag("http_insecure_tls", false);
  config.http.senderId = config.senderId;

  // Spec §4.5 Verify-API providers; the default URLs are the services' own.
  for (auto [prefix, verify, defaultUrl] :
       {std::tuple{"vonage", &config.vonage, "https://api.nexmo.com"},
        std::tuple{"jmp", &config.jmp, "https://jvr.api.jmp.chat"}}) {
    const std::string key(prefix);
    verify->url = reader.url(key + "_url", defaultUrl);
    verify->apiKey = reader.text(key + "_api_key", "");
    verify->apiSecret = reader.text(key + "_api_secret", "");
    verify->brand = reader.text(key + "_brand", "Kontalk");
    verify->senderId = config.senderId;
    verify->timeout = std::chrono::seconds(reader.number(key + "_timeout", 10, 1, 120));
  }
  config.checkmobi.url = reader.url("checkmobi_url", "https://api.checkmobi.com/v1");
  config.checkmobi.apiKey = reader.text("checkmobi_api_key", "");
  config.checkmobi.timeout = std::chrono::seconds(reader.number("checkmobi_timeout", 10, 1, 120));

  for (const auto& name : {config.provider, config.fallbackProvider}) {
    const auto require = [&name](bool present, std::string_view option) {
      if (!present) {
        throw std::runtime_error("[modules.register] provider \"" + name + "\" needs " +
                                 std::string(option));
      }
    };
    if (name == "fixed") require(!config.fixedCode.empty(), "fixed_code");
    if (name == "http") require(!config.http.url.empty(), "http_url");
    for (const auto& [verifyName, verify] :
         {std::pair{"vonage", &config.vonage}, std::pair{"jmp", &config.jmp}}) {
      if (name != verifyName) continue;
      require(!verify->url.empty(), name + "_url");
      require(!verify->apiKey.empty() && !verify->apiSecret.empty(),
              name + "_api_key and " + name + "_api_secret");
    }
    if (name.starts_with("checkmobi-")) {
      require(!config.checkmobi.url.empty(), "checkmobi_url");
      require(!config.checkmobi.apiKey.empty(), "checkmobi_api_key");
    }
  }
  if (config.fixedCode.size() > 32) {
    throw std::runtime_error("[modules.register] fixed_code is longer than 32 characters");
  }
  return config;
}

}  // namespace kontalk::modules::registration
