#include "modules/register/providers.hpp"

#include <stdexcept>

#include "modules/register/checkmobi_provider.hpp"
#include "modules/register/fixed_provider.hpp"
#include "modules/register/http_call.hpp"
#include "modules/register/http_provider.hpp"
#include "modules/register/log_provider.hpp"
#include "modules/register/verify_api_provider.hpp"

namespace kontalk::modules::registration {
namespace {

std::unique_ptr<VerificationProvider> makeProvider(const std::string& name,
                                                   const RegisterSettings& config,
                                                   const std::filesystem::path& dataDirectory) {
  if (name == "log") return makeLogProvider(dataDirectory / "verification", config.senderId);
  if (name == "fixed") return makeFixedProvider(config.fixedCode, config.senderId);
  initHttpCalls();
  if (name == "http") return makeHttpProvider(config.http());
  if (name == "vonage") return makeVerifyApiProvider(VerifyApiDialect::Vonage, config.vonage());
  if (name == "jmp") return makeVerifyApiProvider(VerifyApiDialect::Jmp, config.jmp());
  if (name == "checkmobi-missedcall") {
    return makeCheckmobiProvider(CheckmobiMethod::ReverseCallerId, config.checkmobi());
  }
  if (name == "checkmobi-callerid") {
    return makeCheckmobiProvider(CheckmobiMethod::CallerId, config.checkmobi());
  }
  // The options table admits only the names above (register_settings.cpp).
  throw std::logic_error("register: no provider named \"" + name + "\"");
}

}  // namespace

ProviderSet::ProviderSet(const RegisterSettings& config,
                         const std::filesystem::path& dataDirectory) {
  providers_.push_back(makeProvider(config.provider, config, dataDirectory));
  if (!config.fallbackProvider.empty()) {
    providers_.push_back(makeProvider(config.fallbackProvider, config, dataDirectory));
    fallback_ = providers_.back().get();
  }
}

VerificationProvider* ProviderSet::byName(std::string_view name) const {
  for (const auto& provider : providers_) {
    if (provider->name() == name) return provider.get();
  }
  return nullptr;
}

VerificationProvider* ProviderSet::byChallenge(std::string_view challenge) const {
  for (const auto& provider : providers_) {
    if (provider->challengeType() == challenge) return provider.get();
  }
  return nullptr;
}

}  // namespace kontalk::modules::registration
