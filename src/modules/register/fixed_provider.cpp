#include "modules/register/fixed_provider.hpp"

#include <spdlog/spdlog.h>

namespace kontalk::modules::registration {
namespace {

class FixedProvider final : public CodeProvider {
 public:
  FixedProvider(std::string code, std::string senderId)
      : CodeProvider(std::move(senderId)), code_(std::move(code)) {}

  std::string_view name() const override { return "fixed"; }

  std::string instructions(std::string_view phone) const override {
    return "Enter the test verification code for " + std::string(phone) + ".";
  }

 protected:
  std::string makeCode() override { return code_; }

  Result<void> deliver(std::string_view domain, std::string_view phone,
                       const std::string&) override {
    spdlog::info("register: fixed verification code issued for {} on {}", phone, domain);
    return {};
  }

 private:
  std::string code_;
};

}  // namespace

std::unique_ptr<VerificationProvider> makeFixedProvider(std::string code, std::string senderId) {
  return std::make_unique<FixedProvider>(std::move(code), std::move(senderId));
}

}  // namespace kontalk::modules::registration
