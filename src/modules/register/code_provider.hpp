#pragma once
// The common shape of providers that send the user a code to type back (challenge "pin"): the
// server makes the code, the provider delivers it, and the code itself is the handle.
// Threading: as verification_provider.hpp: start() and check() block and run on workers,
// concurrently, so deliver() must be thread-safe; randomDigits() may be called from any thread.

#include <string>

#include "modules/register/verification_provider.hpp"

namespace kontalk::modules::registration {

class CodeProvider : public VerificationProvider {
 public:
  explicit CodeProvider(std::string senderId) : senderId_(std::move(senderId)) {}

  std::string_view challengeType() const override { return kChallengePin; }
  std::string_view senderId() const override { return senderId_; }
  std::string instructions(std::string_view phone) const override;
  StartOutcome start(std::string_view domain, std::string_view phone) override;
  CheckOutcome check(std::string_view handle, std::string_view code) override;

 protected:
  // The code to send; a fresh random one unless a provider fixes it.
  virtual std::string makeCode();
  // Gets `code` to the holder of `phone`, or says why not.
  virtual Result<void> deliver(std::string_view domain, std::string_view phone,
                               const std::string& code) = 0;

 private:
  std::string senderId_;
};

// A uniformly random code of `digits` decimal digits, from the system CSPRNG.
std::string randomDigits(std::size_t digits);

}  // namespace kontalk::modules::registration
