#pragma once
// The configured verification providers (spec §4.1 "Provider choice"): the default one, an
// optional fallback, and look-ups by name (to verify a pending request) and by challenge type
// (a client's `challenge` field). Immutable after construction.

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
