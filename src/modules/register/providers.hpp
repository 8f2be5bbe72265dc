#pragma once
// The configured verification providers (spec §4.1 "Provider choice"): the default one, an
// optional fallback, and look-ups by name (to verify a pending request) and by challenge type
// (a client's `challenge` field).
// Threading: built on the main thread when the module starts, immutable afterwards (any thread);
// the providers it hands out are thread-safe (verification_provider.hpp).

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "modules/register/register_settings.hpp"
#include "modules/register/verification_provider.hpp"

namespace kontalk::modules::registration {

class ProviderSet {
 public:
  // Throws std::runtime_error for an unknown provider name.
  ProviderSet(const RegisterSettings& config, const std::filesystem::path& dataDirectory);

  VerificationProvider& primary() const { return *providers_.front(); }
  VerificationProvider* fallback() const { return fallback_; }
  VerificationProvider* byName(std::string_view name) const;
  VerificationProvider* byChallenge(std::string_view challenge) const;

 private:
  std::vector<std::unique_ptr<VerificationProvider>> providers_;  // primary first
  VerificationProvider* fallback_ = nullptr;
};

}  // namespace kontalk::modules::registration
