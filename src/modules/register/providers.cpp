#include "modules/register/providers.hpp"

#include <stdexcept>

#include "modules/register/fixed_provider.hpp"
#include "modules/register/http_call.hpp"
#include "modules/register/log_provider.hpp"

namespace kontalk::modules::registration {
namespace {

std::unique_ptr<VerificationProvider> makeProvider(const std::string& name,
                                                   const RegisterConfig& config,
                                                   const std::filesystem::path& dataDirectory) {
  if (name == "log") return makeLogProvider(dataDirectory / "verification", config.senderId);
  if (name == "fixed") return makeFixedProvider(config.fixedCode, config.senderId);
  if (name == "http") {
    initHttpCalls();
    return makeHttpProvider(config.http);
  }
  throw std::runtime_error("[modules.register] unknown provider \"" + name +
                           "\" (known: log, fixed, http)");
}

}  // namespace

ProviderSet::ProviderSet(const RegisterConfig& config, const std::filesystem::path& dataDirectory) {
  providers_.push_back(makeProvider(config.provider, config, dataDirectory));
  if (!config.fallbackProvider.empty()) {
    if (config.fallbackProvider == config.provider) {
      throw std::runtime_error("[modules.register] fallback_provider equals provider");
    }
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
