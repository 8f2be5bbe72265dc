#include "modules/register/log_provider.hpp"

#include <fstream>

#include <spdlog/spdlog.h>

namespace kontalk::modules::registration {
namespace {

namespace fs = std::filesystem;

class LogProvider final : public CodeProvider {
 public:
  LogProvider(fs::path directory, std::string senderId)
      : CodeProvider(std::move(senderId)), directory_(std::move(directory)) {}

  std::string_view name() const override { return "log"; }

  std::string instructions(std::string_view phone) const override {
    return "The verification code for " + std::string(phone) + " is in the server log.";
  }

 protected:
  // A file that cannot be written is the operator's problem, not the user's number's: a
  // permanent failure (the fallback provider, if any, is tried).
  Result<void> deliver(std::string_view domain, std::string_view phone,
                       const std::string& code) override {
    spdlog::info("register: verification code for {} on {} is {}", phone, domain, code);
    std::error_code error;
    fs::create_directories(directory_, error);
    if (error) {
      return tl::unexpected(
          providerRefused("cannot create " + directory_.string() + ": " + error.message()));
    }
    fs::permissions(directory_, fs::perms::owner_all, error);
    // Written beside and renamed into place, so that a reader never sees half a code. The phone
    // number is '+' and digits only (normalised), so it is a safe file name.
    const fs::path target = directory_ / std::string(phone);
    const fs::path partial = directory_ / (std::string(phone) + ".partial");
    {
      std::ofstream file(partial, std::ios::trunc);
      file << code << '\n';
      if (!file.flush()) {
        return tl::unexpected(providerRefused("cannot write " + partial.string()));
      }
    }
    fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write, error);
    fs::rename(partial, target, error);
    if (error) {
      return tl::unexpected(
          providerRefused("cannot write " + target.string() + ": " + error.message()));
    }
    return {};
  }

 private:
  fs::path directory_;
};

}  // namespace

std::unique_ptr<VerificationProvider> makeLogProvider(std::filesystem::path directory,
                                                      std::string senderId) {
  return std::make_unique<LogProvider>(std::move(directory), std::move(senderId));
}

}  // namespace kontalk::modules::registration
